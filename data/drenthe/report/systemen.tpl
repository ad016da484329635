{{!
  Section "De robuuste systemen": one part per group of the model (its TITLE and INTRO come from
  model.toml [[group]]).
  GROUP: TITLE, INTRO (TEXT), SENTENCE (layers with a term in report.toml), MAP, ROW (every layer).
  SENTENCE and ROW: TERM (SENTENCE only), EXPLAIN (TEXT), WHERE (TEXT: a compass direction), and
  one of the figures by the layer's role:
    SHARE: SOME or NONE, SHARE_TEXT (share of the area), HA (hectares)
    PLACES: N with N_NONE, N_ONE, N_MANY (places)
    DISTANCE: KM, BY_PEOPLE (the mean of an inhabitant, not of the land)
    ZONES: N with N_NONE/N_ONE/N_MANY, NAME (VALUE, COMMA, AND) and MORE (N)
    SUM: VALUE (with its unit); MEAN: VALUE (with its unit)
  MAP: SRC, NUMBER, LEGEND, and LAYER (TITLE) for an area layer or POINTS (NAME list).
}}
<p>De omgevingsvisie van {{PROVINCE}} gaat uit van robuuste systemen: water en bodem, natuur, landbouw en de plekken waar mensen wonen en werken. Samen bepalen ze wat waar kan. Hieronder staat per systeem wat het model over {{AREA}} weet.</p>
{{#GROUP}}<h3>{{TITLE}}</h3>
<p>{{#INTRO}}{{TEXT}}{{/INTRO}}
{{#SENTENCE}}
{{#SHARE}}{{#NONE}}{{AREA}} heeft geen {{TERM}}.{{/NONE}}{{#SOME}}{{SHARE_TEXT:x-capital}} van {{AREA}} is {{TERM}}{{#EXPLAIN}} ({{TEXT}}){{/EXPLAIN}}{{#WHERE}}, vooral in het {{TEXT}}{{/WHERE}}.{{/SOME}}{{/SHARE}}
{{#PLACES}}{{TERM:x-capital}}{{#EXPLAIN}} ({{TEXT}}){{/EXPLAIN}}: {{#N_NONE}}geen in {{AREA}}{{/N_NONE}}{{#N_ONE}}op 1 plek in {{AREA}}{{/N_ONE}}{{#N_MANY}}op {{N}} plekken in {{AREA}}{{#WHERE}}, vooral in het {{TEXT}}{{/WHERE}}{{/N_MANY}}.{{/PLACES}}
{{#DISTANCE}}Een inwoner van {{AREA}} woont gemiddeld {{KM}} hemelsbreed van {{TERM}}.{{/DISTANCE}}
{{#ZONES}}{{#N_NONE}}{{AREA}} heeft geen {{TERM}}.{{/N_NONE}}{{#N_ONE}}{{TERM:x-capital}} in {{AREA}}: {{#NAME}}{{VALUE}}{{/NAME}}.{{/N_ONE}}{{#N_MANY}}{{TERM:x-capital}} in {{AREA}}: {{#NAME}}{{#COMMA}}, {{/COMMA}}{{#AND}} en {{/AND}}{{VALUE}}{{/NAME}}{{#MORE}} en nog {{N}} andere{{/MORE}}.{{/N_MANY}}{{/ZONES}}
{{/SENTENCE}}</p>
{{#MAP}}<figure>
<img src="{{SRC}}" alt="Kaart van {{AREA}}: {{TITLE}}">
{{>LEGEND}}
<figcaption><b>Kaart {{NUMBER}}.</b> {{#LAYER}}{{TITLE}} in {{AREA}}.{{/LAYER}}{{#POINTS}}Waar de {{#NAME}}{{#COMMA}}, {{/COMMA}}{{#AND}} en {{/AND}}{{VALUE}}{{/NAME}} liggen in {{AREA}} (elke plek als stip).{{/POINTS}}</figcaption>
</figure>{{/MAP}}
<table>
<thead><tr><th>Kaartlaag</th><th class="num">In {{AREA}}</th></tr></thead>
<tbody>
{{#ROW}}<tr><td>{{TITLE}}</td><td class="num">{{#SHARE}}{{HA}} ({{SHARE_TEXT}}){{/SHARE}}{{#PLACES}}{{#N_NONE}}geen{{/N_NONE}}{{#N_ONE}}op 1 plek{{/N_ONE}}{{#N_MANY}}op {{N}} plekken{{/N_MANY}}{{/PLACES}}{{#DISTANCE}}gemiddeld {{KM}}{{#BY_PEOPLE}} van huis{{/BY_PEOPLE}}{{/DISTANCE}}{{#ZONES}}{{#N_NONE}}geen{{/N_NONE}}{{#NAME}}{{#COMMA}}, {{/COMMA}}{{#AND}} en {{/AND}}{{VALUE}}{{/NAME}}{{#MORE}} en nog {{N}} andere{{/MORE}}{{/ZONES}}{{#SUM}}{{VALUE}}{{/SUM}}{{#MEAN}}gemiddeld {{VALUE}}{{/MEAN}}</td></tr>
{{/ROW}}</tbody>
</table>
{{/GROUP}}
