// Mirror of the POC's lib/livepatch/test_klp_speaker_livepatch.c (body in
// speaker_livepatch_module.ts).
import { speakerLivepatchModule } from './speaker_livepatch_module.js';

export default speakerLivepatchModule('test_klp_speaker_livepatch');
