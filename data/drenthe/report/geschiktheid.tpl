{{!
  Section "Waar past …?": the afwegingskader (RULESET, VERSION) per kind of development.
  KIND: TITLE, KIND (in a sentence), DESCRIPTION (TEXT); FREE (share without any rule) with one of
    FREE_NONE, FREE_SOME, FREE_ALL; per stricter verdict a section CONDITION, CONSULT, NO_UNLESS,
    FORBIDDEN with SHARE, HA, RULE (the rules that decide it here: VALUE, COMMA, AND; MORE with N)
    and for CONSULT the PARTY list (VALUE, COMMA, AND) or NO_PARTY.
  WAITING: N (N_ONE, N_MANY), STRICTER (the free share can still shrink), and on the province
    page LIST with RULE (TITLE, NEEDS list, and MISSING, or PRESENT when its layers are there and
    it waits for review).
  MAP: SRC, NUMBER, LEGEND. VERDICT rows (strict first): COLOUR, LABEL, HA, SHARE and one of the
  sections vrij, voorwaarde, afstemming, nee_tenzij, verboden; TOTAL_HA.
  DECIDING_TABLE, with DECIDING rows: TITLE, LABEL, HA (the rules behind the verdicts here).
}}
<p>De provincie heeft een afwegingskader: regels die zeggen waar een soort ontwikkeling wel of niet past, elk met de reden en het beleid waar de regel uit komt ({{RULESET}}, versie {{VERSION}}). Het model past die regels toe op elk stukje van {{AREA}} en kijkt welke regel het strengst is.</p>
{{#KIND}}<h3>{{TITLE}}</h3>
<p>{{#DESCRIPTION}}{{TEXT}}{{/DESCRIPTION}}
{{#FREE_ALL}}Nergens in {{AREA}} staat een regel {{KIND}} in de weg.{{/FREE_ALL}}
{{#FREE_SOME}}Op {{FREE}} van {{AREA}} staat geen regel {{KIND}} in de weg.{{/FREE_SOME}}
{{#FREE_NONE}}Nergens in {{AREA}} kan {{KIND}} zonder meer: overal geldt minstens één regel.{{/FREE_NONE}}
{{#CONDITION}}Op {{SHARE}} kan het onder voorwaarden ({{#RULE}}{{#COMMA}}, {{/COMMA}}{{#AND}} en {{/AND}}{{VALUE}}{{/RULE}}{{#MORE}} en nog {{N}} andere{{/MORE}}).{{/CONDITION}}
{{#CONSULT}}Op {{SHARE}} kan het pas na afstemming met {{#PARTY}}{{#COMMA}}, {{/COMMA}}{{#AND}} en {{/AND}}{{VALUE}}{{/PARTY}}{{#NO_PARTY}}de betrokken partijen{{/NO_PARTY}} ({{#RULE}}{{#COMMA}}, {{/COMMA}}{{#AND}} en {{/AND}}{{VALUE}}{{/RULE}}{{#MORE}} en nog {{N}} andere{{/MORE}}).{{/CONSULT}}
{{#NO_UNLESS}}Op {{SHARE}} kan het alleen bij uitzondering, ‘nee, tenzij’ ({{#RULE}}{{#COMMA}}, {{/COMMA}}{{#AND}} en {{/AND}}{{VALUE}}{{/RULE}}{{#MORE}} en nog {{N}} andere{{/MORE}}).{{/NO_UNLESS}}
{{#FORBIDDEN}}Op {{SHARE}} is het verboden ({{#RULE}}{{#COMMA}}, {{/COMMA}}{{#AND}} en {{/AND}}{{VALUE}}{{/RULE}}{{#MORE}} en nog {{N}} andere{{/MORE}}).{{/FORBIDDEN}}
</p>
{{#WAITING}}<p>{{#N_ONE}}1 regel wacht nog op kaartgegevens en telt hier nog niet mee.{{/N_ONE}}{{#N_MANY}}{{N}} regels wachten nog op kaartgegevens en tellen hier nog niet mee.{{/N_MANY}}{{#STRICTER}} Met die gegevens kan er op minder plekken ‘vrij’ staan.{{/STRICTER}}{{#ZONE_PAGE}} Welke regels dat zijn, staat in het <a href="index.html#geschiktheid">rapport van {{PROVINCE}}</a>.{{/ZONE_PAGE}}</p>
{{#LIST}}<ul class="facts">
{{#RULE}}<li>{{TITLE}}: {{#MISSING}}wacht op {{#NEEDS}}{{#COMMA}}, {{/COMMA}}{{#AND}} en {{/AND}}{{VALUE}}{{/NEEDS}}{{/MISSING}}{{#PRESENT}}{{#NEEDS}}{{#COMMA}}, {{/COMMA}}{{#AND}} en {{/AND}}{{VALUE}}{{/NEEDS}} is er; de regel wacht op een besluit om haar aan te zetten{{/PRESENT}}.</li>
{{/RULE}}</ul>{{/LIST}}{{/WAITING}}
{{#MAP}}<figure>
<img src="{{SRC}}" alt="Kaart van {{AREA}}: waar past {{KIND}}">
{{>LEGEND}}
<figcaption><b>Kaart {{NUMBER}}.</b> Waar past {{KIND}} in {{AREA}}? Het strengste oordeel van het afwegingskader op elke plek.</figcaption>
</figure>{{/MAP}}
<table>
<thead><tr><th>Oordeel</th><th>Wat het betekent</th><th class="num">Hectare</th><th class="num">Aandeel</th></tr></thead>
<tbody>
{{#VERDICT}}<tr class="oordeel"><td><span class="sw" style="background:{{COLOUR}}"></span>{{LABEL}}</td><td>{{#vrij}}geen regel uit het afwegingskader staat het in de weg{{/vrij}}{{#voorwaarde}}kan, als aan voorwaarden wordt voldaan{{/voorwaarde}}{{#afstemming}}kan pas na afstemming met een andere partij{{/afstemming}}{{#nee_tenzij}}nee, tenzij er een zwaarwegend belang is en geen alternatief{{/nee_tenzij}}{{#verboden}}kan niet{{/verboden}}</td><td class="num">{{HA}}</td><td class="num">{{SHARE}}</td></tr>
{{/VERDICT}}<tr class="totaal"><td><b>Totaal</b></td><td></td><td class="num"><b>{{TOTAL_HA}}</b></td><td class="num">100 %</td></tr>
</tbody>
</table>
{{#DECIDING_TABLE}}<p class="tabeltitel">Welke regels het oordeel over {{KIND}} in {{AREA}} bepalen</p>
<table>
<thead><tr><th>Regel</th><th>Oordeel</th><th class="num">Hectare</th></tr></thead>
<tbody>
{{#DECIDING}}<tr><td>{{TITLE}}</td><td>{{LABEL}}</td><td class="num">{{HA}}</td></tr>
{{/DECIDING}}</tbody>
</table>{{/DECIDING_TABLE}}
{{/KIND}}
