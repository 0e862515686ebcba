package proto

import (
	"time"

	"github.com/netconform/netconform/harness/driver"
)

// Version is the protocol version this package speaks.
const Version = 1

// MaxLine is the longest line either end accepts, newline excluded.
const MaxLine = 16 << 20

// The message types.
const (
	TypeHello   = "hello"
	TypeWelcome = "welcome"
	TypeBye     = "bye"
	TypeOpen    = "open"
	TypeCall    = "call"
	TypeCancel  = "cancel"
	TypeClose   = "close"
	TypeReply   = "reply"
	TypeEvent   = "event"
	TypeLog     = "log"
	// TypePlace and TypeFiles are the files capability's requests.
	TypePlace = "place"
	TypeFiles = "files"
)

// Message is any protocol message: Type says which, and which fields are
// meaningful (see docs/driver-protocol.md). Fields of other types are zero.
type Message struct {
	// Type is one of the Type* constants.
	Type string `json:"type"`
	// ID numbers a request (open, call, cancel, close) and its reply.
	ID int64 `json:"id,omitempty"`
	// Session is the session token of open, call, cancel, close, event and log.
	Session string `json:"session,omitempty"`

	// Versions, Name and Capabilities are hello's.
	Versions     []int                `json:"versions,omitempty"`
	Name         string               `json:"name,omitempty"`
	Capabilities *driver.Capabilities `json:"capabilities,omitempty"`
	// Version and Peer are welcome's; Reason is bye's.
	Version int    `json:"version,omitempty"`
	Peer    string `json:"peer,omitempty"`
	Reason  string `json:"reason,omitempty"`

	// Config is open's, Call is call's.
	Config *driver.Config `json:"config,omitempty"`
	Call   *driver.Call   `json:"call,omitempty"`
	// Handle is cancel's argument, a call reply's result and an event's
	// handle. A cancel without it cancels the empty token.
	Handle string `json:"handle,omitempty"`

	// OK, Rejected, Cancelled and Error are a reply's results: exactly one
	// is set (Handle counts as one).
	OK        bool                  `json:"ok,omitempty"`
	Rejected  *driver.RejectedError `json:"rejected,omitempty"`
	Cancelled *driver.Cancelled     `json:"cancelled,omitempty"`
	Error     string                `json:"error,omitempty"`

	// Seq, Kind, Time, Fields, Cancel and InCall are an event's
	// (driver.Event).
	Seq    int64             `json:"seq,omitempty"`
	Kind   string            `json:"kind,omitempty"`
	Time   time.Time         `json:"time,omitzero"`
	Fields map[string]any    `json:"fields,omitempty"`
	Cancel *driver.Cancelled `json:"cancel,omitempty"`
	InCall bool              `json:"inCall,omitempty"`

	// Line is a log line.
	Line string `json:"line,omitempty"`

	// File is place's file; Head is files' bound on the leading bytes of
	// each entry; Files is a files reply's result (an empty listing is an
	// empty, non-nil slice).
	File  *PlaceFile   `json:"file,omitempty"`
	Head  int          `json:"head,omitempty"`
	Files *[]FileEntry `json:"files,omitempty"`
}

// eventMessage wraps a driver event for a session.
func eventMessage(session string, ev driver.Event) Message {
	return Message{Type: TypeEvent, Session: session, Seq: ev.Seq, Kind: ev.Kind, Handle: ev.Handle, Time: ev.Time,
		Fields: ev.Fields, Cancel: ev.Cancel, InCall: ev.InCall}
}

// event returns the driver event an event message carries.
func (m *Message) event() driver.Event {
	return driver.Event{Seq: m.Seq, Kind: m.Kind, Handle: m.Handle, Time: m.Time, Fields: m.Fields, Cancel: m.Cancel,
		InCall: m.InCall}
}

// results counts the result fields of a reply.
func (m *Message) results() int {
	n := 0
	for _, set := range []bool{m.OK, m.Handle != "", m.Rejected != nil, m.Cancelled != nil, m.Files != nil,
		m.Error != ""} {
		if set {
			n++
		}
	}
	return n
}

// Hello returns the hello message of a driver speaking this version.
func Hello(name string, caps driver.Capabilities) Message {
	return Message{Type: TypeHello, Versions: []int{Version}, Name: name, Capabilities: &caps}
}

// Negotiate picks the version to speak with a driver's hello: the highest
// both sides speak. It fails when the message is not a usable hello.
func Negotiate(hello Message) (int, error) {
	if hello.Type != TypeHello {
		return 0, &Error{Msg: "first message is " + quote(hello.Type) + ", want hello"}
	}
	if hello.Capabilities == nil {
		return 0, &Error{Msg: "hello has no capabilities"}
	}
	best := 0
	for _, v := range hello.Versions {
		if v == Version && v > best {
			best = v
		}
	}
	if best == 0 {
		return 0, &Error{Msg: "no common protocol version: driver speaks " + ints(hello.Versions) +
			", harness speaks [1]"}
	}
	return best, nil
}
