// The test modules of the v1-2025 series (see ../../harness/models.ts for the full set the
// model loads, which includes the mainline modules of that era).
import type { ModuleSource } from '../../harness/module_api.js';
import test_klp_speaker from './test_klp_speaker.js';
import test_klp_speaker2 from './test_klp_speaker2.js';
import test_klp_speaker_livepatch from './test_klp_speaker_livepatch.js';
import test_klp_speaker_livepatch2 from './test_klp_speaker_livepatch2.js';
import test_klp_state from './test_klp_state.js';
import test_klp_state2 from './test_klp_state2.js';
import test_klp_state3 from './test_klp_state3.js';

export const v12025Modules: ModuleSource[] = [
  test_klp_speaker,
  test_klp_speaker2,
  test_klp_speaker_livepatch,
  test_klp_speaker_livepatch2,
  test_klp_state,
  test_klp_state2,
  test_klp_state3,
];
