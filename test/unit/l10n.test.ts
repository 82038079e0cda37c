// Every string the extension passes to vscode.l10n.t has its Traditional Chinese translation, with
// the same {n} placeholders, and every %key% of package.json is in both package.nls files.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

/** The first argument of every `l10n.t(` call (and the `t(` alias of files that define `const t = vscode.l10n.t`). */
function l10nKeys(): Map<string, string> {
  const keys = new Map<string, string>();
  for (const file of sourceFiles(path.join(ROOT, 'src'))) {
    const text = fs.readFileSync(file, 'utf8');
    const alias = /const t = vscode\.l10n\.t;/.test(text);
    const call = alias
      ? /(?:vscode\.l10n\.t|\bt)\(\s*(['"])((?:\\.|(?!\1)[^\\])*)\1/g
      : /vscode\.l10n\.t\(\s*(['"])((?:\\.|(?!\1)[^\\])*)\1/g;
    for (const m of text.matchAll(call))
      keys.set(m[2]!.replace(/\\(['"\\])/g, '$1'), path.relative(ROOT, file));
  }
  return keys;
}

const placeholders = (s: string) =>
  [...s.matchAll(/\{(\d+)\}/g)]
    .map((m) => m[1])
    .sort()
    .join(',');

describe('localization (zh-tw)', () => {
  it('translates every vscode.l10n.t string, keeping its placeholders', () => {
    const bundle = JSON.parse(
      fs.readFileSync(path.join(ROOT, 'l10n/bundle.l10n.zh-tw.json'), 'utf8'),
    ) as Record<string, string>;
    const keys = l10nKeys();
    assert.ok(keys.size > 50, `found only ${keys.size} strings`);
    for (const [key, file] of keys) {
      const zh = bundle[key];
      assert.ok(zh !== undefined && zh.trim() !== '', `no zh-tw translation of "${key}" (${file})`);
      assert.equal(placeholders(zh), placeholders(key), `placeholders of "${key}"`);
    }
    for (const key of Object.keys(bundle)) assert.ok(keys.has(key), `zh-tw has "${key}", which no code uses`);
  });

  it('has every %key% of package.json in package.nls.json and package.nls.zh-tw.json', () => {
    const manifest = fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8');
    const used = [...manifest.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]!);
    assert.ok(used.length > 0);
    for (const file of ['package.nls.json', 'package.nls.zh-tw.json']) {
      const nls = JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8')) as Record<string, string>;
      for (const key of used) assert.ok(nls[key], `${file} lacks ${key}`);
    }
  });

  it('translates every package.nls.json key into zh-tw, keeping its placeholders and command links', () => {
    const read = (file: string) =>
      JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8')) as Record<string, string>;
    const en = read('package.nls.json');
    const zh = read('package.nls.zh-tw.json');
    const links = (s: string) =>
      [...s.matchAll(/\]\((command:[^)]+)\)/g)]
        .map((m) => m[1])
        .sort()
        .join(' ');
    for (const [key, text] of Object.entries(en)) {
      assert.ok(zh[key]?.trim(), `package.nls.zh-tw.json lacks ${key}`);
      assert.equal(placeholders(zh[key]!), placeholders(text), `placeholders of ${key}`);
      assert.equal(links(zh[key]!), links(text), `command links of ${key}`);
    }
    for (const key of Object.keys(zh))
      assert.ok(key in en, `package.nls.zh-tw.json has ${key}, which package.nls.json lacks`);
  });

  it('puts no user-facing text into package.json itself: titles, names, descriptions are %keys%', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const literal: string[] = [];
    const USER_FACING = new Set([
      'title',
      'name',
      'description',
      'markdownDescription',
      'contents',
      'contextualTitle',
      'displayName',
      'category',
    ]);
    const walk = (value: unknown, where: string): void => {
      if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${where}[${i}]`));
      else if (typeof value === 'object' && value !== null)
        for (const [k, v] of Object.entries(value)) {
          if (k === 'enumDescriptions' && Array.isArray(v))
            v.forEach(
              (d, i) => typeof d === 'string' && !/^%.+%$/.test(d) && literal.push(`${where}.${k}[${i}]`),
            );
          else if (USER_FACING.has(k) && typeof v === 'string' && !/^%.+%$/.test(v))
            literal.push(`${where}.${k}`);
          else walk(v, `${where}.${k}`);
        }
    };
    walk(manifest.contributes, 'contributes');
    walk({ displayName: manifest.displayName, description: manifest.description }, '');
    assert.deepEqual(literal, []);
  });
});
