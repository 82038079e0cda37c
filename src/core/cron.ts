// Cron expressions: validation with messages that name the field and the reason, fire times in an
// IANA zone with one rule for DST changes, and a plain-English description. No state is kept
// between calls but the zones' offsets. This is the module callers import; the work is split by
// concern:
//   cronSyntax.ts   whole-expression reading, aliases, CronError
//   cronFields.ts   each field: its values, its mistakes, its probably-unmeant forms
//   cronHash.ts     the values of `H`
//   cronSchedule.ts which wall-clock times match
//   zoneOffsets.ts  a zone's UTC offsets (from Intl) and wall clock -> instants
//   cronIterate.ts  fire times, and the rule for skipped and repeated times
//   cronDescribe.ts the plain-English description

export { CRON_FIELD_NAMES } from './cronFields';
export type { CronFieldName } from './cronFields';
export { CRON_ALIASES, CronError, cronWarnings, validateCron } from './cronSyntax';
export type { CronValidation } from './cronSyntax';
export { fireTimesBetween, nextFireTime, nextFireTimes } from './cronIterate';
export { describeCron } from './cronDescribe';
