/**
 * Which -E arguments are tshark's field print options (-T fields) rather than
 * ESP keys: told apart by every command that takes -E, in a module of its own so
 * that telling costs no command the field printer's load.
 */
export const FIELD_OPTION_KEYS = ['header', 'separator', 'occurrence', 'aggregator', 'quote', 'escape', 'bom'] as const;
const FIELD_OPTION = /^(header|separator|occurrence|aggregator|quote|escape|bom)=/;

/** Whether an -E argument is one of tshark's field print options rather than an ESP key. */
export function isFieldOption(arg: string): boolean {
  return FIELD_OPTION.test(arg);
}
