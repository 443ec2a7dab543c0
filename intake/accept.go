package intake

// Accepts returns nil when data's content is of a type Open reads, or
// the coded error Open would return for it. The API checks this at
// upload, so that an agent learns at once that a file cannot be read
// rather than after the queue.
func Accepts(data []byte) error {
	if _, ok := openers[detect(data)]; !ok {
		return unsupported(data)
	}
	return nil
}
