/** The items in the order their status is read: last, first, second-to-last, second, … */
export function fromBothEnds<T>(items: T[]): T[] {
	const order: T[] = [];
	for (let low = 0, high = items.length - 1; low <= high; low++, high--) {
		order.push(items[high]);
		if (low < high) order.push(items[low]);
	}
	return order;
}
