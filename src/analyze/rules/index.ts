/** The rule catalog: every rule, family by family, in the order `mip6scope rules` lists them. */
import type { Rule } from '../types.js';
import { BINDING_RULES } from './binding.js';
import { ESP_RULES } from './esp.js';
import { HAHA_RULES } from './haha.js';
import { HAR_RULES } from './har.js';
import { HAS_RULES } from './has.js';
import { MH_RULES } from './mh.js';
import { VHAR_RULES } from './vhar.js';

export const ALL_RULES: readonly Rule[] = [...MH_RULES, ...BINDING_RULES, ...HAS_RULES, ...HAR_RULES, ...HAHA_RULES, ...VHAR_RULES, ...ESP_RULES];

export function ruleById(id: string): Rule | undefined {
  const want = id.toUpperCase();
  return ALL_RULES.find((r) => r.meta.id === want);
}
