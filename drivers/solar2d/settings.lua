-- The harness's control URL, exactly as `netconform run --driver remote`
-- prints it: its last segment is the run's pairing token, without which
-- the harness refuses the app. A token is new each run unless the run is
-- given one with --token (then build the app once). Use the host's LAN
-- address (not 127.0.0.1) on a phone or tablet.
return {
  url = "http://192.168.1.20:8787/netconform/v1/PASTE-THE-TOKEN-HERE",
  -- name = "solar2d:android",  -- the name in reports (default solar2d:<platform>)
  once = false,                 -- true: stop after the harness says bye
  pollWait = 20,                -- seconds a poll waits for messages
  sessions = 16,                -- cases run at once (each with its own subfolders); a
                                -- platform that limits connections per host may need fewer
}
