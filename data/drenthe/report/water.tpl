{{!
  Section "Water en bodem" (layers of casco water: parameter water = ghg, glg, gt, storm_depth …).
  WELLS (with --water): SOURCE, FILTERS, READINGS, KEPT, SKIPPED, WITH_GXG, INDICATIVE, UNRELIABLE,
    FALLING, RISING, NO_TREND, TOO_SHORT (counts: each with _NONE, _ONE, _MANY), INDICATIVE_ALL or
    INDICATIVE_SOME (more than one indicative: all, or some of them), FIRST, LAST,
    MIN_YEARS; SKIP_TABLE with SKIP rows (N and one of missing, duplicate, above_tube, dry,
    outlier, remarked, rejected, undecided);
    MAP (the wells by their trend).
  WATER_MAP: SRC, NUMBER, LEGEND, TITLE, SHARE (of the area with a value), ESTIMATE (TEXT).
  NO_DATA: TITLE (a water map without any value in this area).
  STRESS (per kind of layer: gt or storm_depth): COLUMN (NOW, or VARIANT with TITLE), STRESS_NO_DATA, or
    TABLE with ROW (LABEL, CELL with HA).
  WAITING: WAIT (DATA, HOW with TEXT, LAYER list, RULES with _NONE/_ONE/_MANY, RULE: VALUE, COMMA, AND).
}}
<p>Water en bodem sturend: hoe nat of droog het is, bepaalt mee wat waar kan. Hier staat wat het model weet over het grondwater, wat een natter of droger klimaat verandert, en welke gegevens nog ontbreken.</p>
{{#WELLS}}<h3>Grondwater, gemeten in peilbuizen</h3>
<p>Het model leest {{READINGS}} metingen van {{FILTERS}} peilbuisfilters ({{SOURCE}}, {{FIRST}} tot en met {{LAST}}).
{{#SKIPPED_NONE}}Alle metingen zijn bruikbaar.{{/SKIPPED_NONE}}{{#SKIPPED_ONE}}1 meting is overgeslagen (zie de tabel).{{/SKIPPED_ONE}}{{#SKIPPED_MANY}}{{SKIPPED}} metingen zijn overgeslagen (zie de tabel); {{KEPT}} worden gebruikt.{{/SKIPPED_MANY}}
{{#UNRELIABLE_ONE}}1 filter telt niet mee, omdat meer dan de helft van zijn metingen afwijkt.{{/UNRELIABLE_ONE}}{{#UNRELIABLE_MANY}}{{UNRELIABLE}} filters tellen niet mee, omdat meer dan de helft van hun metingen afwijkt.{{/UNRELIABLE_MANY}}
{{#WITH_GXG_NONE}}Van geen enkel filter zijn de gemiddeld hoogste en laagste grondwaterstand (GHG en GLG) te berekenen.{{/WITH_GXG_NONE}}{{#WITH_GXG_ONE}}Van 1 filter zijn de gemiddeld hoogste en laagste grondwaterstand (GHG en GLG) berekend{{/WITH_GXG_ONE}}{{#WITH_GXG_MANY}}Van {{WITH_GXG}} filters zijn de gemiddeld hoogste en laagste grondwaterstand (GHG en GLG) berekend{{/WITH_GXG_MANY}}{{#INDICATIVE_NONE}}, allemaal over ten minste {{MIN_YEARS}} jaar.{{/INDICATIVE_NONE}}{{#INDICATIVE_ONE}}; bij 1 daarvan is dat een indicatie, omdat er minder dan {{MIN_YEARS}} volledige jaren metingen zijn.{{/INDICATIVE_ONE}}{{#INDICATIVE_MANY}}{{#INDICATIVE_ALL}}; bij alle is dat een indicatie, omdat er minder dan {{MIN_YEARS}} volledige jaren metingen zijn.{{/INDICATIVE_ALL}}{{#INDICATIVE_SOME}}; bij {{INDICATIVE}} daarvan is dat een indicatie, omdat er minder dan {{MIN_YEARS}} volledige jaren metingen zijn.{{/INDICATIVE_SOME}}{{/INDICATIVE_MANY}}
Over de lange termijn {{#FALLING_NONE}}daalt het grondwater bij geen enkel filter{{/FALLING_NONE}}{{#FALLING_ONE}}daalt het grondwater bij 1 filter{{/FALLING_ONE}}{{#FALLING_MANY}}daalt het grondwater bij {{FALLING}} filters{{/FALLING_MANY}} en {{#RISING_NONE}}stijgt het bij geen enkel{{/RISING_NONE}}{{#RISING_ONE}}stijgt het bij 1{{/RISING_ONE}}{{#RISING_MANY}}stijgt het bij {{RISING}}{{/RISING_MANY}}; bij {{NO_TREND}} is er geen duidelijke trend en bij {{TOO_SHORT}} is de reeks te kort om dat te zeggen.</p>
{{#SKIP_TABLE}}<table>
<thead><tr><th>Overgeslagen metingen</th><th class="num">Aantal</th></tr></thead>
<tbody>
{{#SKIP}}<tr><td>{{#missing}}zonder waarde of met een onleesbare datum{{/missing}}{{#duplicate}}een tweede meting op dezelfde dag{{/duplicate}}{{#above_tube}}onmogelijk hoog: boven de bovenkant van de buis{{/above_tube}}{{#dry}}filter droog: onder de onderkant van het filter{{/dry}}{{#outlier}}uitschieter: ver van de andere metingen van die buis{{/outlier}}{{#remarked}}door de meetdienst als bijzonder gemarkeerd{{/remarked}}{{#rejected}}afgekeurd bij de kwaliteitscontrole (BRO){{/rejected}}{{#undecided}}onbeslist bij de kwaliteitscontrole (BRO){{/undecided}}</td><td class="num">{{N}}</td></tr>
{{/SKIP}}</tbody>
</table>{{/SKIP_TABLE}}
{{#MAP}}<figure>
<img src="{{SRC}}" alt="Kaart van {{AREA}}: de peilbuizen en hun trend">
{{>LEGEND}}
<figcaption><b>Kaart {{NUMBER}}.</b> De peilbuizen en de trend van hun grondwaterstand over de lange termijn.</figcaption>
</figure>{{/MAP}}
{{/WELLS}}
{{#WATER_MAP}}<figure>
<img src="{{SRC}}" alt="Kaart van {{AREA}}: {{TITLE}}">
{{>LEGEND}}
<figcaption><b>Kaart {{NUMBER}}.</b> {{TITLE}}. Bekend voor {{SHARE}} van {{AREA}}; elders geen gegevens (grijs).{{#ESTIMATE}} Een schatting: {{TEXT}}.{{/ESTIMATE}}</figcaption>
</figure>{{/WATER_MAP}}
{{#NO_DATA}}<p class="geen">{{TITLE}}: voor {{AREA}} zijn er nog geen gegevens.</p>{{/NO_DATA}}
{{#STRESS}}<h3>{{#gt}}Klimaatstresstest: grondwatertrappen nu en in een ander klimaat{{/gt}}{{#storm_depth}}Klimaatstresstest: water op straat na een hevige bui{{/storm_depth}}</h3>
{{#STRESS_NO_DATA}}<p class="geen">Voor {{AREA}} zijn er nog geen gegevens.</p>{{/STRESS_NO_DATA}}
{{#TABLE}}<table>
<thead><tr><th>{{#gt}}Grondwatertrap{{/gt}}{{#storm_depth}}Waterdiepte{{/storm_depth}}</th>{{#COLUMN}}<th class="num">{{#NOW}}Nu (ha){{/NOW}}{{#VARIANT}}{{TITLE}} (ha){{/VARIANT}}</th>{{/COLUMN}}</tr></thead>
<tbody>
{{#ROW}}<tr><td>{{LABEL}}</td>{{#CELL}}<td class="num">{{HA}}</td>{{/CELL}}</tr>
{{/ROW}}</tbody>
</table>{{/TABLE}}
{{/STRESS}}
{{#WAITING}}<h3>Wat nog op gegevens wacht</h3>
<ul class="facts">
{{#WAIT}}<li><b>{{DATA}}</b>: de kaartlagen {{#LAYER}}{{#COMMA}}, {{/COMMA}}{{#AND}} en {{/AND}}{{VALUE}}{{/LAYER}} ontbreken nog{{#RULES_NONE}}.{{/RULES_NONE}}{{#RULES_ONE}}; 1 regel van het afwegingskader wacht erop: {{#RULE}}{{VALUE}}{{/RULE}}.{{/RULES_ONE}}{{#RULES_MANY}}; {{RULES}} regels van het afwegingskader wachten erop: {{#RULE}}{{#COMMA}}; {{/COMMA}}{{#AND}} en {{/AND}}{{VALUE}}{{/RULE}}.{{/RULES_MANY}}{{#HOW}} Ophalen: <code>{{TEXT}}</code>.{{/HOW}}</li>
{{/WAIT}}</ul>{{/WAITING}}
