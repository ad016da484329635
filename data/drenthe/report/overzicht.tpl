{{!
  Section "Oppervlakte en inwoners".
  KM2, HA: the area's size; SHARE: its share of the province (gemeente pages).
  PEOPLE: N (inhabitants), DENSITY and PROVINCE_DENSITY (per km²), SOURCE (TEXT), and one of
    DENSER, QUIETER, AVERAGE (gemeente pages: compared with the province).
  HOMES: N (rounded to hundreds).
  MAP (inside PEOPLE's sentences' map): SRC, NUMBER, LEGEND, LAYER (its title), ESTIMATE.
  Province page: SOURCES (LAYER, N, ESTIMATE with TEXT, OTHER with TITLE, N, MORE or FEWER with
    DIFF, and WHY with TEXT (report.toml: the layer's explain) or GENERIC, KERNEN with N,
    SHARE and REST) and ZONES with ZONE rows (NAME, FILE, LINK or NOLINK, KM2, PEOPLE).
}}
<p>{{AREA}} is {{KM2}} groot ({{HA}}){{#ZONE_PAGE}}, {{SHARE}} van {{PROVINCE}}{{/ZONE_PAGE}}.
{{#PEOPLE}}In {{AREA}} wonen {{N}} mensen{{#SOURCE}} ({{TEXT}}){{/SOURCE}}, gemiddeld {{DENSITY}} per vierkante kilometer.
{{#DENSER}}Dat is drukker dan gemiddeld in {{PROVINCE}} ({{PROVINCE_DENSITY}} per km²).{{/DENSER}}
{{#QUIETER}}Dat is rustiger dan gemiddeld in {{PROVINCE}} ({{PROVINCE_DENSITY}} per km²).{{/QUIETER}}
{{#AVERAGE}}Dat is ongeveer het gemiddelde van {{PROVINCE}}.{{/AVERAGE}}
{{/PEOPLE}}
{{#HOMES}}Er staan ongeveer {{N}} woningen.{{/HOMES}}</p>
<table>
<thead><tr><th>Kengetal</th><th class="num">Waarde</th></tr></thead>
<tbody>
<tr><td>Oppervlakte</td><td class="num">{{KM2}}</td></tr>
{{#PEOPLE}}<tr><td>Inwoners</td><td class="num"><span class="inwoners">{{N}}</span></td></tr>
<tr><td>Inwoners per km²</td><td class="num">{{DENSITY}}</td></tr>{{/PEOPLE}}
{{#HOMES}}<tr><td>Woningen (afgerond)</td><td class="num">{{N}}</td></tr>{{/HOMES}}
</tbody>
</table>
{{#MAP}}<figure>
<img src="{{SRC}}" alt="Kaart van {{AREA}}: waar de mensen wonen">
{{>LEGEND}}
<figcaption><b>Kaart {{NUMBER}}.</b> Waar de mensen wonen in {{AREA}}: {{LAYER}}{{#ESTIMATE}}, een schatting{{/ESTIMATE}}. Met de grootste kernen.</figcaption>
</figure>{{/MAP}}
{{#SOURCES}}<h3>Waar de inwonertallen vandaan komen</h3>
<p>Dit rapport telt de inwoners van de laag ‘{{LAYER}}’: {{N}} in {{AREA}}.
{{#ESTIMATE}}{{TEXT}}{{/ESTIMATE}}
{{#OTHER}}Een andere telling in het model, ‘{{TITLE}}’, komt op {{N}}{{#MORE}} ({{DIFF}} meer){{/MORE}}{{#FEWER}} ({{DIFF}} minder){{/FEWER}}. {{#WHY}}{{TEXT}}{{/WHY}}{{#GENERIC}}Die is van een ander jaar of een andere indeling, en het rapport gebruikt haar niet voor zijn tabellen.{{/GENERIC}}
{{/OTHER}}
{{#KERNEN}}In de kernen, de bebouwde gebieden van steden en dorpen, wonen {{N}} mensen ({{SHARE}}); de andere {{REST}} wonen in het buitengebied. Een kern telt alleen de bebouwing zelf, dus minder dan een dorp met het land eromheen.{{/KERNEN}}</p>
{{/SOURCES}}
{{#ZONES}}<h3>De gemeenten</h3>
<table>
<thead><tr><th>Gemeente</th><th class="num">Oppervlakte</th><th class="num">Inwoners</th></tr></thead>
<tbody>
{{#ZONE}}<tr><td>{{#LINK}}<a class="gemeente" href="{{FILE}}">{{NAME}}</a>{{/LINK}}{{#NOLINK}}{{NAME}}{{/NOLINK}}</td><td class="num">{{KM2}}</td><td class="num">{{PEOPLE}}</td></tr>
{{/ZONE}}</tbody>
</table>{{/ZONES}}
