// Mirror of test_modules/test_klp_speaker2.c: `#define SPEAKER_ID "(2)"` and
// `#include "test_klp_speaker.c"`, a second target with the same function names.
import { speakerModule } from './speaker_module.js';

export default speakerModule('test_klp_speaker2', '(2)');
