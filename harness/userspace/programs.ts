/**
 * Programs the scripts start in the background. test_klp-call_getpid loops on the getpid
 * system call until it is killed: every call returns to user space, which is where a
 * pending livepatch switch happens for a task that never sleeps in the kernel.
 */
import type { Machine } from '../boot.js';
import type { Task } from '../kernel/sched.js';

/** how often a hammering process enters the kernel, in virtual time */
const SYSCALL_PERIOD_NS = 1_000_000;

export interface Program {
  task: Task;
  kill(): void;
}

export type ProgramStarter = (machine: Machine, argv: string[], parent: Task) => Program;

function call_getpid(machine: Machine, _argv: string[], parent: Task): Program {
  const { k, vmlinux } = machine;
  // comm is the program name cut to TASK_COMM_LEN - 1
  const task = k.tasks.spawn('test_klp-call_getpid'.slice(0, 15), { parent });
  // it spins on the last CPU, away from the shell
  task.runningOnCpu = k.config.nrCpus - 1;
  // one call, made every period for as long as the task lives (closures built once)
  const getpid = () => k.call(vmlinux.sys_getpid);
  const enter = () => k.syscall(getpid);
  const tick = () => k.tasks.runAs(task, enter);
  // a call changes nothing while no switch is pending for the task and sys_getpid runs
  // unpatched and untraced: time may pass over such calls (timer.ts); asked as the task,
  // since what a call may run depends on the caller's patch state
  const inertCall = () => k.ftrace.callIsInert(vmlinux.sys_getpid);
  const inert = () => !task.patch_pending && k.tasks.runAs(task, inertCall);
  const timer = k.sched.addPeriodic(SYSCALL_PERIOD_NS, tick, inert);
  return {
    task,
    kill() {
      timer.cancelled = true;
      task.runningOnCpu = undefined;
      k.tasks.exit(task);
    },
  };
}

export const PROGRAMS: Record<string, ProgramStarter> = {
  'test_klp-call_getpid': call_getpid,
};
