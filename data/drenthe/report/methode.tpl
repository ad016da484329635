{{!
  Section "Hoe is dit gemaakt?".
  MODEL, BUILT, MODEL_VERSION, DEFINITION (file name), VERSION, DATE; RULES (NAME, VERSION, FILE,
  N, ENABLED: counts with _NONE/_ONE/_MANY); TRAVEL_ESTIMATE (TEXT); SOURCE rows (FILE, LAYER
  list); CREDITS (CREDIT list); CREDIT_LINE.
}}
<p>Dit rapport is gemaakt met casco, het rekenmodel van de ruimtelijke hoofdstructuur van {{MODEL}}. Het model verdeelt het gebied in vakjes (cellen) van {{CELL}} bij {{CELL}} meter en zet per vakje de open gegevens hieronder op een rij. Alle getallen zijn berekend uit die vakjes en dus afgerond; inwoners en woningen zijn per wijk over de bewoonde vakjes verdeeld. De zinnen in dit rapport zijn automatisch uit de cijfers gemaakt.</p>
<ul class="facts">
<li>Model: {{MODEL}} — gebouwd op {{BUILT}} met casco {{MODEL_VERSION}} uit <code>{{DEFINITION}}</code>.</li>
<li>Rapport: casco {{VERSION}}, {{DATE}}.</li>
{{#RULES}}<li>Afwegingskader: {{NAME}} (versie {{VERSION}}, <code>{{FILE}}</code>), {{N}} regels waarvan {{ENABLED}} in gebruik; de andere wachten op gegevens.</li>{{/RULES}}
{{#TRAVEL_ESTIMATE}}<li>Reistijden: {{TEXT}}.</li>{{/TRAVEL_ESTIMATE}}
</ul>
<h3>Bronnen</h3>
<p>{{CREDIT_LINE}}. Licenties en beperkingen van elke bron staan in het bestand README.md bij de bronnen van het model.
{{#CREDITS}}Verder gebruikt dit model: {{#CREDIT}}{{#COMMA}}, {{/COMMA}}{{#AND}} en {{/AND}}{{VALUE}}{{/CREDIT}}.{{/CREDITS}}</p>
<table>
<thead><tr><th>Bronbestand</th><th>Gebruikt voor</th></tr></thead>
<tbody>
{{#SOURCE}}<tr><td><code>{{FILE}}</code></td><td>{{#LAYER}}{{#COMMA}}; {{/COMMA}}{{#AND}}; {{/AND}}{{VALUE}}{{/LAYER}}</td></tr>
{{/SOURCE}}</tbody>
</table>
