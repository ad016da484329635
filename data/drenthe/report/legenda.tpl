{{!
  The legend of a map, from the legend module (the same colours and names as the viewer and the
  PNG maps). RAMP: LOW, HIGH, STOPS (CSS colours). CLASS: LABEL, COLOUR, UNDRAWN (not coloured on
  the map). POINTS: the classes are drawn as dots. NOTE: TEXT.
}}
<div class="legend">
{{#RAMP}}<span class="rampl">{{LOW}}</span><span class="ramp" style="background:linear-gradient(to right,{{STOPS}})"></span><span class="rampl">{{HIGH}}</span>{{/RAMP}}
{{#CLASS}}<span class="item"><span class="sw{{#POINTS}} rond{{/POINTS}}{{#UNDRAWN}} leeg{{/UNDRAWN}}" style="background:{{COLOUR}}"></span>{{LABEL}}</span>
{{/CLASS}}
{{#NOTE}}<span class="note">{{TEXT}}</span>{{/NOTE}}
</div>
