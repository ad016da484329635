// Bundles the viewer into dist/ (JavaScript, CSS with OpenLayers' styles, index.html).
// Everything the page loads comes from this bundle: no CDN, no web fonts, no basemap.
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';

await mkdir('dist', { recursive: true });
await build({
  entryPoints: ['src/main.js'],
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'esm',
  target: ['es2020'],
  outfile: 'dist/app.js',
  logLevel: 'warning',
});
await copyFile('src/index.html', 'dist/index.html');
console.log('casco viewer: built web/dist');
