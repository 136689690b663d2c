/**
 * An explore worker thread: rebuilds the campaign from its task and posts one report per
 * scenario of its share, in order. Scenarios do not depend on each other, so a share runs
 * exactly as it would in the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { findModel } from '../models.js';
import { Campaign } from './campaign.js';
import type { WorkerTask } from './explore.js';

const task = workerData as WorkerTask;
const model = findModel(task.model);
if (!model || !parentPort) throw new Error(`explore worker: no model ${task.model}`);
const campaign = new Campaign({ model, seed: task.seed, depth: task.depth, version: task.version, replayEvery: task.replayEvery });
for (const i of task.indices) parentPort.postMessage(campaign.scenario(i, () => false));
