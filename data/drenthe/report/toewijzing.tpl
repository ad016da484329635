{{!
  Section "Toewijzing" (opgavenkaarten of casco allocate: role allocation).
  NAMED (two or more): SCENARIO (LETTER, TITLE, COMMA, AND).
  ALLOCATION: TITLE, LETTER (TEXT, when named), CLASS rows (LABEL, HA, SHARE, CLAIM or NO_CLAIM),
    MAP (SRC, NUMBER, LEGEND).
  COMPARE: A, B (the titles), ROW (LABEL, A_HA, B_HA, DIFF).
}}
<p>Het model heeft de ruimteclaims — zoals woningen, natuur of energie — over {{AREA}} verdeeld volgens het afwegingskader. De kaart laat zien welke claim elke plek krijgt; de tabel hoeveel hectare dat is.
{{#NAMED}}Er zijn meer scenario's; ze heten hier {{#SCENARIO}}{{#COMMA}}, {{/COMMA}}{{#AND}} en {{/AND}}{{LETTER}} = ‘{{TITLE}}’{{/SCENARIO}}.{{/NAMED}}</p>
{{#ALLOCATION}}<h3>{{#LETTER}}{{TEXT}}: {{/LETTER}}{{TITLE}}</h3>
<table>
<thead><tr><th>Claim</th><th class="num">Hectare</th><th class="num">Aandeel van {{AREA}}</th></tr></thead>
<tbody>
{{#CLASS}}<tr><td>{{#NO_CLAIM}}<span class="geen">{{LABEL}}</span>{{/NO_CLAIM}}{{#CLAIM}}{{LABEL}}{{/CLAIM}}</td><td class="num">{{HA}}</td><td class="num">{{SHARE}}</td></tr>
{{/CLASS}}</tbody>
</table>
{{#MAP}}<figure>
<img src="{{SRC}}" alt="Kaart van {{AREA}}: {{TITLE}}">
{{>LEGEND}}
<figcaption><b>Kaart {{NUMBER}}.</b> {{#LETTER}}{{TEXT}}: {{/LETTER}}{{TITLE}}, in {{AREA}}. Grijs: geen claim, het huidige gebruik blijft.</figcaption>
</figure>{{/MAP}}
{{/ALLOCATION}}
{{#COMPARE}}<h3>A en B vergeleken</h3>
<p>A is ‘{{A}}’, B is ‘{{B}}’. De laatste kolom zegt hoeveel hectare B meer (+) of minder (−) geeft dan A.</p>
<table>
<thead><tr><th>Claim</th><th class="num">A (ha)</th><th class="num">B (ha)</th><th class="num">B − A</th></tr></thead>
<tbody>
{{#ROW}}<tr><td>{{LABEL}}</td><td class="num">{{A_HA}}</td><td class="num">{{B_HA}}</td><td class="num">{{DIFF}}</td></tr>
{{/ROW}}</tbody>
</table>{{/COMPARE}}
