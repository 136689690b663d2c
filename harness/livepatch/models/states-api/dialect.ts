/**
 * What both states postings add to functions.sh alike: check_object_patched, which POC 5/7
 * introduced and v1 08/19 carries over unchanged. Each series' dialect spreads these into
 * its helpers beside the ones it words its own way (read_module_param, set_module_param,
 * write_module_param).
 */
import type { HelperKit } from '../../../selftest/functions.js';
import type { CommandImpl } from '../../../selftest/shell/host.js';

export function statesApiHelpers({ need, check_sysfs_value }: HelperKit): Record<string, CommandImpl> {
  return {
    // check_object_patched(livepatch_module, objname, expected_value)
    check_object_patched: ([livepatch_module, objname, expected_value], io) => {
      need([livepatch_module, objname, expected_value], 3, 'check_object_patched LIVEPATCH OBJECT VALUE', io);
      check_sysfs_value(livepatch_module, `${objname}/patched`, expected_value, io);
      return 0;
    },
  };
}
