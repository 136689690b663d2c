// Mirror of test_modules/test_klp_speaker_livepatch.c (v1-2025): the speaker livepatch.
import { speakerLivepatchModule } from './speaker_livepatch_module.js';

export default speakerLivepatchModule('test_klp_speaker_livepatch');
