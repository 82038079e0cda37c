// The guard: the workflow's first step, a Node script (`shell: node {0}`) that ends the run early
// unless this trigger is a fire of the job's schedule in its zone. The script is data plus a small
// fixed program; test/unit/githubActionsSchedule.test.ts runs this very text over whole years
// against the cron module.

import type { CronMatchFields, UtcSchedule } from './utcSchedule';

export interface GuardInput {
  zone: string;
  cron: string;
  slug: string;
  local: CronMatchFields;
  schedules: readonly UtcSchedule[];
  /** The zone's offsets (minutes east of UTC) the schedules cover. */
  offsets: readonly number[];
  dstDecisions: Record<string, boolean>;
  dstDecisionsUntil: string | null;
  /** Missed-run policy `skip`: a fire that finds an earlier run of the workflow going is skipped. */
  skipWhileRunning: boolean;
}

function matchFields(fields: CronMatchFields): string {
  const { minutes, hours, months, days, lastDay, weekdays, lastWeekdays, nth } = fields;
  return JSON.stringify({ minutes, hours, months, days, lastDay, weekdays, lastWeekdays, nth });
}

/** The guard script's source. */
export function guardScript(input: GuardInput): string {
  const objectLiteral = (entries: string[]) => (entries.length === 0 ? '{}' : `{\n${entries.join('\n')}\n}`);
  const schedules = objectLiteral(
    input.schedules.map((s) => `  ${JSON.stringify(s.cron)}: ${matchFields(s)},`),
  );
  const decisions = objectLiteral(
    Object.entries(input.dstDecisions).map(([at, runs]) => `  ${JSON.stringify(at)}: ${String(runs)},`),
  );
  return `// Night Pilot guard: GitHub's cron is UTC only, so the schedules above cover every UTC offset
// of ${input.zone}; this step lets exactly one run per local fire of "${input.cron}" through.
'use strict';
const fs = require('fs');

const ZONE = ${JSON.stringify(input.zone)};
const CRON = ${JSON.stringify(input.cron)};
const SLUG = ${JSON.stringify(input.slug)};
// The job's schedule on the local wall clock (as Night Pilot's cron module reads CRON).
const LOCAL = ${matchFields(input.local)};
// The UTC schedules of on.schedule, keyed as GitHub reports them in github.event.schedule.
const SCHEDULES = ${schedules};
const OFFSETS = ${JSON.stringify(input.offsets)};
// Around DST changes, what Night Pilot's own scheduler does where the wall clock alone would be
// wrong (a skipped or repeated local time), computed at export up to DST_DECISIONS_UNTIL.
const DST_DECISIONS = ${decisions};
const DST_DECISIONS_UNTIL = ${JSON.stringify(input.dstDecisionsUntil)};
const SKIP_WHILE_RUNNING = ${String(input.skipWhileRunning)};

const MINUTE = 60000;
const clock = new Intl.DateTimeFormat('en-US', {
  timeZone: ZONE, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
});

/** The local date and time of an instant, as milliseconds read with the UTC getters. */
function wallClock(at) {
  const p = {};
  for (const part of clock.formatToParts(new Date(at))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
}

/** Whether a wall clock (UTC getters) matches the fields, with cron's day-of-month OR day-of-week rule. */
function matches(f, wall) {
  const d = new Date(wall);
  const day = d.getUTCDate();
  const weekday = d.getUTCDay();
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  if (!f.minutes.includes(d.getUTCMinutes()) || !f.hours.includes(d.getUTCHours())) return false;
  if (f.months !== null && !f.months.includes(d.getUTCMonth() + 1)) return false;
  const dayMatch = f.days === null || f.days.includes(day) || (f.lastDay && day === lastDay);
  const weekdayMatch =
    f.weekdays === null ||
    (f.weekdays.includes(weekday) && (f.nth === 0 || Math.ceil(day / 7) === f.nth)) ||
    (f.lastWeekdays.includes(weekday) && day > lastDay - 7);
  return f.days !== null && f.weekdays !== null ? dayMatch || weekdayMatch : dayMatch && weekdayMatch;
}

function label(at) {
  const wall = new Date(wallClock(at)).toISOString();
  return wall.slice(0, 10) + ' ' + wall.slice(11, 16) + ' ' + ZONE;
}

/** Whether this trigger runs: { run, at (the fire instant), why }. */
function decide(event, schedule, now) {
  const minute = Math.floor(now / MINUTE) * MINUTE;
  if (event !== 'schedule') return { run: true, at: minute, why: 'started by ' + event };
  const fields = SCHEDULES[schedule];
  if (fields === undefined) {
    throw new Error('this run was triggered by the schedule "' + schedule + '", which Night Pilot did not write; export the job again instead of editing on.schedule');
  }
  // GitHub often starts scheduled runs late: the trigger is the schedule's latest time up to now.
  let at = minute;
  for (let i = 0; !matches(fields, at); i++, at -= MINUTE) {
    if (i > 2 * 1440) throw new Error('"' + schedule + '" has not fired in the last two days');
  }
  const offset = Math.round((wallClock(at) - at) / MINUTE);
  if (!OFFSETS.includes(offset)) {
    return { run: false, at, warning: ZONE + ' is at UTC offset ' + offset + ' min, which this workflow\\'s schedules do not cover: export the job again' };
  }
  const key = new Date(at).toISOString();
  if (Object.prototype.hasOwnProperty.call(DST_DECISIONS, key)) {
    return { run: DST_DECISIONS[key], at, why: DST_DECISIONS[key] ? 'the fire moved by the DST change' : 'a repeated local time around the DST change' };
  }
  const warning = DST_DECISIONS_UNTIL !== null && key > DST_DECISIONS_UNTIL
    ? 'the DST corrections of this workflow ended on ' + DST_DECISIONS_UNTIL.slice(0, 10) + ': export the job again'
    : undefined;
  return matches(LOCAL, wallClock(at))
    ? { run: true, at, why: 'a fire of "' + CRON + '"', warning }
    : { run: false, at, why: 'not a fire of "' + CRON + '" (the UTC schedules cover every offset of ' + ZONE + ')', warning };
}

/** Missed-run policy skip: an earlier run of this workflow still going makes this fire a skipped one. */
async function earlierRunGoing(env) {
  const headers = { accept: 'application/vnd.github+json', authorization: 'Bearer ' + env.GH_TOKEN };
  const base = env.GITHUB_API_URL + '/repos/' + env.GITHUB_REPOSITORY + '/actions';
  const get = async (url) => {
    const response = await fetch(url, { headers });
    if (!response.ok) throw new Error('GitHub API ' + url + ': ' + response.status);
    return response.json();
  };
  const own = await get(base + '/runs/' + env.GITHUB_RUN_ID);
  const going = await get(base + '/workflows/' + own.workflow_id + '/runs?status=in_progress&per_page=100');
  return going.workflow_runs.some((run) => run.id < own.id);
}

async function main(env, now) {
  const decision = decide(env.NP_EVENT, env.NP_SCHEDULE, now);
  if (decision.warning) console.log('::warning::' + decision.warning);
  if (decision.run && SKIP_WHILE_RUNNING && env.NP_EVENT === 'schedule') {
    try {
      if (await earlierRunGoing(env)) {
        decision.run = false;
        decision.why = 'an earlier run is still going (missed-run policy: skip)';
      }
    } catch (error) {
      console.log('::warning::could not check for an earlier run still going, running anyway: ' + error.message);
    }
  }
  const wall = new Date(wallClock(decision.at)).toISOString();
  const branch = 'night-pilot/' + SLUG + '/' + wall.slice(0, 10).replace(/-/g, '') + '-' + wall.slice(11, 16).replace(':', '');
  console.log((decision.run ? 'Running: ' : 'Not running: ') + label(decision.at) + ' is ' + decision.why + '.');
  fs.appendFileSync(env.GITHUB_OUTPUT, [
    'run=' + decision.run, 'fire=' + new Date(decision.at).toISOString(), 'local=' + label(decision.at), 'branch=' + branch,
  ].join('\\n') + '\\n');
}

if (require.main === module) {
  main(process.env, Date.now()).catch((error) => {
    console.log('::error::' + error.message);
    process.exitCode = 1;
  });
}
`;
}
