// Mirror of test_modules/test_klp_syscall.c: patches the getpid syscall; every process
// listed in klp_pids that calls the patched version is crossed off, and
// /sys/kernel/test_klp_syscall/npids counts those still running the old code.
// The C module has no pr_fmt and prints nothing.
import { defineModule } from '../../harness/module_api.js';
import { SYSCALL_PREFIX } from '../../harness/kernel/vmlinux.js';
import type { klp_func, klp_object, klp_patch } from '../../harness/livepatch/livepatch.js';

/** NR_CPUS of the modelled kernel's config: the array's capacity */
const NR_CPUS = 64;

export default defineModule('test_klp_syscall', ({ THIS_MODULE, func, current, task_tgid_vnr, module_param_array_int, klp_enable_patch, sysfs_create_kernel_dir, sysfs_create_file, sysfs_remove_kernel_dir, module_init, module_exit, MODULE_LICENSE, MODULE_INFO }) => {
  const klp_pids = module_param_array_int('klp_pids', NR_CPUS, 0, 'Array of pids to be transitioned to livepatched state.');
  let npids = 0;
  let npids_pending = 0;
  // klp_pids[] is zeroed in place as processes reach the new code, under kpid_mutex
  let pids: number[] = [];

  const lp_sys_getpid = func('lp_sys_getpid', () => {
    const task = current();
    const i = pids.indexOf(task.pid);
    if (i >= 0 && npids_pending > 0) {
      pids[i] = 0;
      npids_pending--;
    }
    return task_tgid_vnr(task);
  });

  const funcs: klp_func[] = [{ old_name: `${SYSCALL_PREFIX}sys_getpid`, new_func: lp_sys_getpid }, {}];
  const objs: klp_object[] = [{ funcs }, {}];
  const patch: klp_patch = { mod: THIS_MODULE, objs };

  module_init(() => {
    pids = [...klp_pids.value];
    npids = pids.length;
    sysfs_create_kernel_dir('test_klp_syscall');
    sysfs_create_file('test_klp_syscall', 'npids', 0o444, () => `${npids_pending}\n`);
    npids_pending = npids;
    const ret = klp_enable_patch(patch);
    if (ret) sysfs_remove_kernel_dir('test_klp_syscall');
    return ret;
  });
  module_exit(() => {
    sysfs_remove_kernel_dir('test_klp_syscall');
  });
  MODULE_LICENSE('GPL');
  MODULE_INFO('livepatch', 'Y');
});
