package driver

// RejectedError is a call-time rejection: the network.* call returned nil
// and the implementation logged Message (rules B1, F7, F9). It is an outcome
// to judge, not a driver failure.
type RejectedError struct {
	// Message is the logged error, as the implementation wrote it.
	Message string `json:"message"`
}

// Error returns "call rejected: " and the message.
func (e *RejectedError) Error() string {
	if e.Message == "" {
		return "call rejected"
	}
	return "call rejected: " + e.Message
}
