// The migration report in the old app's users' language: report.md in Traditional Chinese when asked
// (VS Code's display language, the CLI's --lang), with the same facts as the English one;
// report.json the same whatever the language.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { reportLanguage } from '../../src/storage/legacy/legacyReasons';
import type { MigrationReport } from '../../src/storage/legacy/legacyReport';
import { reportMarkdown } from '../../src/storage/legacy/legacyReport';
import { DATA_A, DATA_B, SCHEMA_A, SCHEMA_B, writeSqlJsDatabase } from '../fixtures/legacyFixtures';
import { NOW, openSource, openUnified, targetOf } from './legacyHarness';
import { migrate, planMigration } from '../../src/storage/legacy/legacyMigration';
import { useTempDir } from './storageHelpers';

/** Everything a reader checks in a report, whatever its language. */
function facts(report: MigrationReport): string[] {
  return [
    report.source.path,
    report.source.fileHash,
    report.backupFolder,
    report.database,
    report.startedAt,
    ...report.tables.map(
      (t) =>
        `| ${t.table} | ${t.generation ?? '-'} | ${t.rows} | ${t.toImport} | ${t.alreadyImported} | ${t.skipped} |`,
    ),
    ...report.jobs.flatMap((j) => [
      j.name,
      j.source,
      j.cronExpression,
      j.originalSchedule,
      j.nextRunTime ?? '-',
    ]),
    ...report.warnings.flatMap((w) => [`**${w.code}** (${w.count})`, ...w.items]),
    ...report.skipped.flatMap((s) => [`\`${s.table}\``, ...(s.ids ?? []).slice(0, 30)]),
  ];
}

describe('the migration report in Traditional Chinese', () => {
  const tmp = useTempDir('np-legacy-report-');

  it('picks Traditional Chinese for zh-tw (and zh-Hant, zh-HK), English otherwise', () => {
    for (const tag of ['zh-tw', 'zh-TW', 'zh-hant', 'zh-Hant-TW', 'zh-hk'])
      assert.equal(reportLanguage(tag), 'zh-tw', tag);
    for (const tag of ['en', 'en-us', 'zh-cn', 'zh-hans', 'ja', '', undefined])
      assert.equal(reportLanguage(tag), 'en', String(tag));
  });

  it('writes report.md in zh-tw with the same facts as in English; report.json stays English and neutral', async () => {
    const mixedSchema = SCHEMA_A + SCHEMA_B.replace(/CREATE TABLE prompts[^;]+;/, '');
    const mixedData = DATA_A + DATA_B.replace(/INSERT INTO prompts[^;]+;/, '');
    const file = path.join(tmp.dir, 'claude-pilot.db');
    await writeSqlJsDatabase(file, mixedSchema + mixedData);
    const db = await openUnified(tmp.dir);
    try {
      const source = await openSource(file);
      let report: MigrationReport;
      try {
        const plan = await planMigration(source, targetOf(db), { orphans: 'skip' }, NOW, 'Asia/Taipei');
        report = await migrate(plan, source, targetOf(db), { now: () => NOW, language: 'zh-tw' });
      } finally {
        source.close();
      }
      assert.ok(report.warnings.length >= 5 && report.skipped.length >= 3, 'a report with much to say');

      const zh = fs.readFileSync(report.reportFiles.markdown, 'utf8');
      const en = reportMarkdown(report, 'en');
      for (const heading of [
        '# Night Pilot：舊版資料庫遷移報告',
        '## 已匯入',
        '## 資料表',
        '## 工作',
        '## 警告與決定',
        '## 略過',
      ])
        assert.ok(zh.includes(heading), `no "${heading}" in the zh-tw report`);
      assert.match(zh, /驗證：\*\*通過\*\*/);
      assert.match(zh, /\d+ 個提示、\d+ 個工作、\d+ 次執行、\d+ 筆用量記錄。/);
      assert.match(zh, /night-pilot migrate --undo/);
      for (const fact of facts(report)) {
        assert.ok(en.includes(fact), `the English report lacks ${fact}`);
        assert.ok(zh.includes(fact), `the zh-tw report lacks ${fact}`);
      }
      // No English sentences left in the Chinese one (names from the old file are data, not text).
      for (const phrase of [
        'Verification',
        'Warnings',
        'Skipped',
        'deleted in the old app',
        'Decisions',
        'imported paused',
        'Spot checks',
        'Active jobs',
      ])
        assert.ok(!zh.includes(phrase), `the zh-tw report still says "${phrase}"`);
      assert.match(en, /Verification: \*\*passed\*\*/);

      // report.json: the same object, with its reasons and messages in English, whatever report.md's language.
      const json = JSON.parse(fs.readFileSync(report.reportFiles.json, 'utf8')) as MigrationReport;
      assert.deepEqual(json, JSON.parse(JSON.stringify(report)));
      assert.ok(
        json.skipped.every((s) => /^[\x20-\x7e]+$/.test(s.reason)),
        'skip reasons in English',
      );
      assert.ok(json.warnings.every((w) => /^[\x20-\x7e]+$/.test(w.message.replace(/Asia\/Taipei/, ''))));
    } finally {
      db.close();
    }
  });
});
