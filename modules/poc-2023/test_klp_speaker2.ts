// Mirror of the POC's lib/livepatch/test_klp_speaker2.c. NOT IN THE POSTED SERIES: the
// Makefile lists it but the patches lack the file. Built as the evident variant: the
// speaker source again with _VER_NAME() adding "2" to the livepatched functions
// (speaker_welcome2, call_speaker2), which is what the expected logs show; init and exit
// keep their names (test_klp_speaker2: test_klp_speaker_init).
import { speakerModule } from './speaker_module.js';

export default speakerModule('test_klp_speaker2', '2');
