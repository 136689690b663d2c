// Mirror of the POC's lib/livepatch/test_klp_speaker.c: the target module of the speaker
// livepatches (body in speaker_module.ts).
import { speakerModule } from './speaker_module.js';

export default speakerModule('test_klp_speaker', '');
