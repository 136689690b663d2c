/**
 * Mainline's functions.sh, by kernel version. The proposals were written against one of
 * these and either use it as it is (shadow-gc-2022: 6.1, split-2020: 5.5) or add helpers to
 * it (poc-2023: 6.7, v1-2025: 6.13).
 */
import { MAINLINE_FILTER, V5_5_FILTER } from '../../../selftest/check_result.js';
import {
  INSMOD_TEST_MODULES,
  MODPROBE,
  START_TEST_CANARY,
  START_TEST_SAVE_DMESG,
  TITLE_AND_CLEAR,
  type FunctionsDialect,
} from '../../../selftest/dialect.js';

/** 5.5: no start_test yet, and check_result drops lines with 'tainting' only */
export const FUNCTIONS_SH_V5_5: FunctionsDialect = {
  name: 'v5.5',
  loading: MODPROBE,
  testStart: TITLE_AND_CLEAR,
  logFilter: V5_5_FILTER,
};

/** 6.1: start_test saves the log; check_result keeps the lines that came after */
export const FUNCTIONS_SH_V6_1: FunctionsDialect = {
  name: 'v6.1',
  loading: MODPROBE,
  testStart: START_TEST_SAVE_DMESG,
  logFilter: MAINLINE_FILTER,
};

/** 6.7: the canary start_test, modules still loaded by modprobe */
export const FUNCTIONS_SH_V6_7: FunctionsDialect = {
  name: 'v6.7',
  loading: MODPROBE,
  testStart: START_TEST_CANARY,
  logFilter: MAINLINE_FILTER,
};

/** 6.10 and later (6.12 through 7.3 here): the modules are test_modules/X.ko beside the scripts */
export const FUNCTIONS_SH_V6_12: FunctionsDialect = {
  name: 'v6.12',
  loading: INSMOD_TEST_MODULES,
  testStart: START_TEST_CANARY,
  logFilter: MAINLINE_FILTER,
};
