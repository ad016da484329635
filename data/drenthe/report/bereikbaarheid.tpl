{{!
  Section "Bereikbaarheid" (layers of casco access: roles norm and travel_time).
  BEST: NORM, SHARE (the norm met best). WORST: NORM, SHARE, BELOW with BELOW_ONE, BELOW_MANY.
  ALL: SHARE (meets every norm), N (the number of norms).
  NORM rows: TITLE, SHARE, BELOW. MAP: SRC, NUMBER, LEGEND, N (norms).
  ESTIMATE: WHY (how the times were estimated).
  TIMES: MODE (TITLE) columns, ROW (KIND, CELL with MINUTES).
  WHATIF: CLOSED, NORM, NEWLY with NEWLY_NONE, NEWLY_ONE, NEWLY_MANY; WHATIF_MAP (SRC, NUMBER,
    LEGEND) only where something changes.
}}
<p>De provincie wil dat iedereen school, ziekenhuis, station en bus binnen een redelijke reistijd kan bereiken. Zo'n grens heet hier een norm.
{{#BEST}}In {{AREA}} haalt {{SHARE}} van de inwoners de norm ‘{{NORM}}’.{{/BEST}}
{{#WORST}}Het minst gehaald wordt ‘{{NORM}}’: door {{SHARE}} van de inwoners; {{#BELOW_NONE}}toch woont niemand verder weg.{{/BELOW_NONE}}{{#BELOW_ONE}}1 inwoner woont verder weg.{{/BELOW_ONE}}{{#BELOW_MANY}}{{BELOW}} inwoners wonen verder weg.{{/BELOW_MANY}}{{/WORST}}
{{#ALL}}{{SHARE:x-capital}} van de inwoners haalt alle {{N}} normen.{{/ALL}}
{{#ESTIMATE}}Let op: de reistijden zijn niet over de weg gemeten maar geschat ({{WHY}}).{{/ESTIMATE}}</p>
<table>
<thead><tr><th>Norm</th><th class="num">Inwoners die de norm halen</th><th class="num">Inwoners onder de norm</th></tr></thead>
<tbody>
{{#NORM}}<tr><td>{{TITLE}}</td><td class="num">{{SHARE}}</td><td class="num">{{BELOW}}</td></tr>
{{/NORM}}</tbody>
</table>
{{#MAP}}<figure>
<img src="{{SRC}}" alt="Kaart van {{AREA}}: welke normen gehaald worden">
{{>LEGEND}}
<figcaption><b>Kaart {{NUMBER}}.</b> Hoeveel van de {{N}} normen worden gehaald waar mensen wonen in {{AREA}}? Waar niemand woont, is de kaart grijs.</figcaption>
</figure>{{/MAP}}
{{#TIMES}}<p class="tabeltitel">Gemiddelde reistijd in minuten van een inwoner naar de dichtstbijzijnde voorziening</p>
<table>
<thead><tr><th>Naar</th>{{#MODE}}<th class="num">{{TITLE}}</th>{{/MODE}}</tr></thead>
<tbody>
{{#ROW}}<tr><td>{{KIND}}</td>{{#CELL}}<td class="num">{{MINUTES}}</td>{{/CELL}}</tr>
{{/ROW}}</tbody>
</table>{{/TIMES}}
{{#WHATIF}}<h3>Wat als {{CLOSED}} sluit?</h3>
<p>{{#NEWLY_NONE}}Voor de norm ‘{{NORM}}’ verandert er in {{AREA}} niets als {{CLOSED}} sluit: niemand komt onder de norm. Daarom staat hier geen kaart.{{/NEWLY_NONE}}{{#NEWLY_ONE}}Als {{CLOSED}} sluit, komt in {{AREA}} 1 inwoner onder de norm ‘{{NORM}}’.{{/NEWLY_ONE}}{{#NEWLY_MANY}}Als {{CLOSED}} sluit, komen in {{AREA}} {{NEWLY}} inwoners onder de norm ‘{{NORM}}’.{{/NEWLY_MANY}}</p>
{{#WHATIF_MAP}}<figure>
<img src="{{SRC}}" alt="Kaart van {{AREA}}: wat als {{CLOSED}} sluit">
{{>LEGEND}}
<figcaption><b>Kaart {{NUMBER}}.</b> Wie onder de norm ‘{{NORM}}’ komt als {{CLOSED}} sluit.</figcaption>
</figure>{{/WHATIF_MAP}}
{{/WHATIF}}
