// Builds the console into src/Hub.Server/wwwroot/console/, which the hub serves at /console/:
// the sources (src/*) as they are, and the browser builds of the dependencies copied from
// node_modules into vendor/ (no CDN at run time, no bundler).
//
//   npm ci && npm run build      build
//   npm run check                fail when the committed output differs from a fresh build

import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, 'node_modules');
const sources = join(here, 'src');
const output = resolve(here, '..', 'Hub.Server', 'wwwroot', 'console');
const checkOnly = process.argv.includes('--check');

// What the browser loads from vendor/: UMD builds (plain <script> tags, globals d3,
// topojson, signalR and uPlot, with uPlot's stylesheet) and the Natural Earth countries at 1:50m.
const VENDOR = [
  { package: '@microsoft/signalr', file: 'dist/browser/signalr.min.js' },
  { package: 'd3-array', file: 'dist/d3-array.min.js' },
  { package: 'd3-geo', file: 'dist/d3-geo.min.js' },
  { package: 'topojson-client', file: 'dist/topojson-client.min.js' },
  { package: 'world-atlas', file: 'countries-50m.json' },
  { package: 'uplot', file: 'dist/uPlot.iife.min.js' },
  { package: 'uplot', file: 'dist/uPlot.min.css' },
];

function fail(message) {
  console.error(`build: ${message}`);
  process.exit(1);
}

function packageInfo(name) {
  const folder = join(modules, ...name.split('/'));
  const manifest = join(folder, 'package.json');
  if (!existsSync(manifest)) {
    fail(`${name} is not installed: run "npm ci" in ${relative(process.cwd(), here) || '.'}`);
  }
  return { folder, json: JSON.parse(readFileSync(manifest, 'utf8')) };
}

function licenceText(name) {
  const { folder, json } = packageInfo(name);
  const file = readdirSync(folder).find((f) => /^licen[cs]e(\.md|\.txt)?$/i.test(f));
  const text = file ? readFileSync(join(folder, file), 'utf8').trim() : `Licence: ${json.license} (see ${json.homepage ?? json.repository?.url ?? name})`;
  return `${json.name} ${json.version} — ${json.license}\n${'='.repeat(72)}\n${text}\n`;
}

function build(target) {
  // Only ever clears the console's own folder.
  if (basename(target) !== 'console') {
    fail(`refusing to clear ${target}`);
  }
  rmSync(target, { recursive: true, force: true });
  mkdirSync(join(target, 'vendor'), { recursive: true });

  cpSync(sources, target, { recursive: true });

  const licences = ['Third-party software in this folder, copied from npm packages by build.mjs.\n'];
  const seen = new Set();
  for (const entry of VENDOR) {
    const { folder, json } = packageInfo(entry.package);
    const from = join(folder, entry.file);
    if (!existsSync(from)) {
      fail(`${entry.package}@${json.version} has no ${entry.file}`);
    }
    cpSync(from, join(target, 'vendor', basename(entry.file)));
    if (!seen.has(entry.package)) {
      seen.add(entry.package);
      licences.push(licenceText(entry.package));
    }
  }
  // d3-array's UMD build includes internmap.
  licences.push(licenceText('internmap'));
  writeFileSync(join(target, 'vendor', 'LICENSES.txt'), licences.join('\n'));
}

function listFiles(folder, base = folder) {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? listFiles(path, base) : [relative(base, path)];
  }).sort();
}

function digest(folder) {
  const hash = createHash('sha256');
  for (const file of listFiles(folder)) {
    hash.update(file + '\0');
    hash.update(readFileSync(join(folder, file)));
  }
  return hash.digest('hex');
}

if (checkOnly) {
  const scratch = join(mkdtempSync(join(tmpdir(), 'hub-console-')), 'console');
  build(scratch);
  const fresh = digest(scratch);
  const committed = existsSync(output) ? digest(output) : '';
  rmSync(dirname(scratch), { recursive: true, force: true });
  if (fresh !== committed) {
    fail(`${relative(process.cwd(), output)} is out of date: run "npm run build" in src/Hub.Console`);
  }
  console.log('build: the console output is up to date');
} else {
  build(output);
  let total = 0;
  for (const file of listFiles(output)) {
    const size = statSync(join(output, file)).size;
    total += size;
    console.log(`${String(size).padStart(9)}  ${file}`);
  }
  console.log(`${String(total).padStart(9)}  total in ${relative(process.cwd(), output)}`);
}
