/**
 * poc-2023's functions.sh: 6.7's, plus the helpers the POC's speaker tests use
 * (check_object_patched, read_module_param, set_module_param).
 */
import type { FunctionsDialect } from '../../../selftest/dialect.js';
import { SYSFS_MODULE_DIR } from '../../../selftest/functions.js';
import { FUNCTIONS_SH_V6_7 } from '../mainline/dialect.js';

export const dialect: FunctionsDialect = {
  ...FUNCTIONS_SH_V6_7,
  name: 'poc-2023',
  helpers: ({ ctx, die, need, loopUntil, setRet, check_sysfs_value }) => ({
    check_object_patched: ([livepatch_module, objname, expected_value], io) => {
      need([livepatch_module, objname, expected_value], 3, 'check_object_patched LIVEPATCH OBJECT VALUE', io);
      check_sysfs_value(livepatch_module, `${objname}/patched`, expected_value, io);
      return 0;
    },
    read_module_param: ([mod, param], io) => {
      need([mod, param], 2, 'read_module_param MODULE PARAM', io);
      const path = `${SYSFS_MODULE_DIR}/${mod}/parameters/${param}`;
      ctx.log(`% cat ${path}`);
      const r = ctx.read(path);
      const ret = setRet(io, (r ?? `cat: ${path}: No such file or directory`).replace(/\n+$/, ''));
      if (ret !== '') die(io, ret);
      return 0;
    },
    set_module_param: ([mod, param, val], io) => {
      need([mod, param, val], 3, 'set_module_param MODULE PARAM VALUE', io);
      const path = `${SYSFS_MODULE_DIR}/${mod}/parameters/${param}`;
      ctx.log(`% echo ${val} > ${path}`);
      ctx.write(path, val, io);
      if (!loopUntil(() => ctx.read(path)?.replace(/\n+$/, '') === val))
        die(io, `failed to set parameter ${param} for ${mod} module to the value ${val}`);
      return 0;
    },
  }),
};
