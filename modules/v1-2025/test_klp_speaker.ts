// Mirror of test_modules/test_klp_speaker.c (v1-2025): the speaker target module.
import { speakerModule } from './speaker_module.js';

export default speakerModule('test_klp_speaker', '');
