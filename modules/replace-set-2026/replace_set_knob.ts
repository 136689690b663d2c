// "[PATCH v2 4/4] selftests/livepatch: Update tests for replace_set": the modules that took
// `replace` (and two that had no such parameter) take `replace_set`, an int 0644 assigned
// to the patch's unsigned int field in module_init.
import type { ReplaceKnob } from '../mainline/replace_knob.js';
import type { replace_set_patch } from '../../harness/livepatch/models/replace-set-2026/fields.js';

export const REPLACE_SET: ReplaceKnob = {
  name: 'replace_set',
  apply: (patch, value) => {
    (patch as replace_set_patch).replace_set = value >>> 0;
  },
  explore: ['1'],
};
