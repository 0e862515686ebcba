package runner

import "time"

// The time scale has one owner per layer: the mock server scales the
// durations of a case's scenario itself, at the scale the runner passes with
// its Install (mockserver.InstallTimeScale, see bases.installOptions); the
// driver scales the profile's durations (driver.Config.TimeScale); the
// runner scales only its own waits and deadlines, with scaleDur.

// scaleDur multiplies an API-time duration by the case's time scale.
func scaleDur(d time.Duration, scale float64) time.Duration {
	return time.Duration(float64(d) * scale)
}
