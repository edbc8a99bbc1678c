// Queue mode on the current n8n version (test/e2e/queue/scenarios.ts). Each version has a file of its own, so a parallel
// run (`npm test`) runs the two versions' clusters side by side.
import { describeQueueMode } from './queue/scenarios';

describeQueueMode('current');
