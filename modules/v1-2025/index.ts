// The test modules of the v1-2025 series (see ../../harness/models.ts for the full set the
// model loads, which includes the mainline modules of that era).
import type { ModuleSource } from '../../harness/module_api.js';

export const v12025Modules: ModuleSource[] = [];
