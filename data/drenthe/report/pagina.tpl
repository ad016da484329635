{{!
  The page of one area: the province (index.html) or a gemeente. The sections below each include
  their own template as BODY and appear only when the store has their figures.
  Everywhere (also in the included templates): AREA (this page's area), PROVINCE, CELL (cell
  size in m), and the sections PROVINCE_PAGE or ZONE_PAGE.
  Here: CSS (stijl.css), AREA_CSS (the area for CSS text), VERSION, DATE, CREDIT; the sections
  OVERVIEW, SYSTEMS, SUITABILITY (with its list KIND: VALUE, COMMA, AND), ACCESS, WATER,
  ALLOCATION, METHOD; OTHER_PAGES with LINK (FILE, NAME, SEP): the other gemeente pages.
}}
<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{AREA}} in kaart</title>
<style>{{CSS}}
@page{@bottom-left{content:"{{AREA_CSS}} in kaart · casco";font-family:"DejaVu Sans",sans-serif;font-size:8.5pt;color:#5b6370}}</style>
</head>
<body>
<header class="top"><div class="wrap">
{{#ZONE_PAGE}}<nav class="crumbs"><a class="back" href="index.html">← {{PROVINCE}}</a></nav>{{/ZONE_PAGE}}
<p class="kicker">Omgevingsvisie {{PROVINCE}} · ruimtelijk casco</p>
<h1>{{AREA}} in kaart</h1>
<p class="lead">{{#PROVINCE_PAGE}}Wat de omgevingsvisie betekent voor de provincie {{AREA}}: wat er is, wat waar past en hoe ver voorzieningen weg zijn. In gewone taal, met kaarten.{{/PROVINCE_PAGE}}{{#ZONE_PAGE}}Wat de omgevingsvisie van {{PROVINCE}} betekent voor de gemeente {{AREA}}: wat er is, wat waar past en hoe ver voorzieningen weg zijn.{{/ZONE_PAGE}}</p>
</div></header>
<main class="wrap">
<nav class="toc"><b>Inhoud:</b>
{{#OVERVIEW}}<a href="#kort">Oppervlakte en inwoners</a>{{/OVERVIEW}}
{{#SYSTEMS}}<a href="#systemen">De robuuste systemen</a>{{/SYSTEMS}}
{{#SUITABILITY}}<a href="#geschiktheid">Waar past {{#KIND}}{{#COMMA}}, {{/COMMA}}{{#AND}} en {{/AND}}{{VALUE}}{{/KIND}}?</a>{{/SUITABILITY}}
{{#ACCESS}}<a href="#bereikbaarheid">Bereikbaarheid</a>{{/ACCESS}}
{{#WATER}}<a href="#water">Water en bodem</a>{{/WATER}}
{{#ALLOCATION}}<a href="#toewijzing">Toewijzing</a>{{/ALLOCATION}}
{{#METHOD}}<a href="#methode">Hoe is dit gemaakt?</a>{{/METHOD}}
</nav>
{{#OVERVIEW}}<section id="kort">
<h2>Oppervlakte en inwoners</h2>
{{>BODY}}
</section>{{/OVERVIEW}}
{{#SYSTEMS}}<section id="systemen">
<h2>De robuuste systemen</h2>
{{>BODY}}
</section>{{/SYSTEMS}}
{{#SUITABILITY}}<section id="geschiktheid">
<h2>Waar past {{#KIND}}{{#COMMA}}, {{/COMMA}}{{#AND}} en {{/AND}}{{VALUE}}{{/KIND}}?</h2>
{{>BODY}}
</section>{{/SUITABILITY}}
{{#ACCESS}}<section id="bereikbaarheid">
<h2>Bereikbaarheid van voorzieningen</h2>
{{>BODY}}
</section>{{/ACCESS}}
{{#WATER}}<section id="water">
<h2>Water en bodem</h2>
{{>BODY}}
</section>{{/WATER}}
{{#ALLOCATION}}<section id="toewijzing">
<h2>Wat waar terechtkomt: de toewijzing</h2>
{{>BODY}}
</section>{{/ALLOCATION}}
{{#METHOD}}<section id="methode">
<h2>Hoe is dit gemaakt?</h2>
{{>BODY}}
</section>{{/METHOD}}
{{#OTHER_PAGES}}<nav class="others"><b>{{#PROVINCE_PAGE}}De gemeenten:{{/PROVINCE_PAGE}}{{#ZONE_PAGE}}Andere gemeenten:{{/ZONE_PAGE}}</b>
{{#LINK}}{{#SEP}} · {{/SEP}}<a href="{{FILE}}">{{NAME}}</a>{{/LINK}}</nav>{{/OTHER_PAGES}}
</main>
<footer class="wrap">Gemaakt met casco {{VERSION}} op {{DATE}} uit het model {{PROVINCE}}. {{CREDIT}}.</footer>
</body>
</html>
