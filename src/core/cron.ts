// Cron expressions over cron-parser v5: validation with messages that name the field and the
// reason, fire times in an IANA zone, and a plain-English description. No state is kept between
// calls. This is the module callers import; the work is split by concern:
//   cronSyntax.ts   whole-expression checks, aliases, CronError, the bridge to cron-parser
//   cronFields.ts   the per-field checks and their messages
//   cronIterate.ts  fire times, forward only, with the DST recovery
//   cronDescribe.ts the plain-English description

export { CRON_FIELD_NAMES } from './cronFields';
export type { CronFieldName } from './cronFields';
export { CRON_ALIASES, CronError, validateCron } from './cronSyntax';
export type { CronValidation } from './cronSyntax';
export { fireTimesBetween, nextFireTime, nextFireTimes } from './cronIterate';
export { describeCron } from './cronDescribe';
