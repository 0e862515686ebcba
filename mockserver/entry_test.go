package mockserver

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
)

func TestPackedHeadersRoundTrip(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("v", 300) // a two-byte length prefix
	h := http.Header{"X-Multi": {"a", "", "b\x00c"}, "Empty": {}, "X-Long": {long}, "Host": {"ignored"}}
	got := unpackHeaders(packHeaders(h, "example.test:80"))
	want := http.Header{"X-Multi": {"a", "", "b\x00c"}, "X-Long": {long}, "Host": {"example.test:80"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip: %q, want %q", got, want)
	}
	if got := unpackHeaders(packHeaders(http.Header{"A": {"1"}}, "")); !reflect.DeepEqual(got, http.Header{"A": {"1"}}) {
		t.Fatalf("without host: %q", got)
	}
}
