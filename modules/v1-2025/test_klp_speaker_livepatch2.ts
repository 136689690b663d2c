// Mirror of test_modules/test_klp_speaker_livepatch2.c, which is
// `#include "test_klp_speaker_livepatch.c"`: the same livepatch under a second name, so
// that two of them can be installed together or replace each other.
import { speakerLivepatchModule } from './speaker_livepatch_module.js';

export default speakerLivepatchModule('test_klp_speaker_livepatch2');
