// Mirror of the POC's lib/livepatch/test_klp_speaker_livepatch2.c. NOT IN THE POSTED
// SERIES: the Makefile lists it but the patches lack the file. Built as the evident
// variant: the speaker livepatch source again under another module name, so that a second
// speaker livepatch can be loaded next to or on top of the first one.
import { speakerLivepatchModule } from './speaker_livepatch_module.js';

export default speakerLivepatchModule('test_klp_speaker_livepatch2');
