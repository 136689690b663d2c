// The test modules the shadow-gc-2022 series changes.
import type { ModuleSource } from '../../harness/module_api.js';
import test_klp_shadow_vars from './test_klp_shadow_vars.js';

export const shadowGc2022Modules: ModuleSource[] = [test_klp_shadow_vars];
