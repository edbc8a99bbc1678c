import { reasonDeferrals } from '../../nodes/RunBlob/actions/generation/wait/reasonDeferrals';
import { reportedRuns } from '../../nodes/RunBlob/actions/generation/wait/reportedFinals';
import { resumeClaims } from '../../nodes/RunBlob/actions/generation/wait/resumeClaims';
import { rememberedKeys } from '../../nodes/RunBlobTrigger/dedupe';
import { cachedSettings } from '../../nodes/shared/settingsCache';

/** What an n8n restart does to the nodes' per-process memories, one memory at a time. */

/** The credential settings the webhook handlers keep (settingsCache.ts). */
export function forgetWebhookSettings(): void {
	cachedSettings.clear();
}

/** The trigger's in-process record of callback deliveries (dedupe.ts). */
export function forgetDeliveries(): void {
	rememberedKeys.clear();
}

/** The final statuses a waiting run heard of (reportedFinals.ts). */
export function forgetReportedFinals(): void {
	reportedRuns.clear();
}

/** The claims on resuming a waiting run (resumeClaims.ts). */
export function forgetResumeClaims(): void {
	resumeClaims.clear();
}

/** The failures whose reason a waiting run deferred its resume for (reasonDeferrals.ts). */
export function forgetReasonDeferrals(): void {
	reasonDeferrals.clear();
}

/** Every per-process memory of the nodes at once: what an n8n restart forgets. */
export function forgetProcessMemory(): void {
	forgetWebhookSettings();
	forgetDeliveries();
	forgetReportedFinals();
	forgetResumeClaims();
	forgetReasonDeferrals();
}
