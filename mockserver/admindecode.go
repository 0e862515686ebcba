package mockserver

import (
	"fmt"

	"github.com/netconform/netconform/internal/strictyaml"
)

// adminBodyName names an admin request's body in its position errors:
// "body:3:7: routes[0].statsu: unknown key ...".
const adminBodyName = "body"

// decodeAdminScenario decodes the body of PUT or POST /__netconform/routes
// as ParseConfig decodes a routes file (JSON or YAML, strict, validated,
// positioned errors), and refuses body.file: a remote caller must not make
// the server read its files.
func decodeAdminScenario(data []byte) (Scenario, error) {
	root, err := strictyaml.Parse(adminBodyName, data) // errors are "body:line:col: ..."
	if err != nil {
		return Scenario{}, err
	}
	if root == nil {
		return Scenario{}, fmt.Errorf("%s: empty: want a scenario such as {\"routes\": [{\"path\": \"/hello\", \"body\": \"hi\"}]}", adminBodyName)
	}
	var sc Scenario
	d := strictyaml.NewDecoder(adminBodyName)
	d.Decode(root, &sc, "")
	for i, r := range sc.Routes {
		f := fmt.Sprintf("routes[%d]", i)
		refuseFile(d, f, r.Response)
		for j, t := range r.Then {
			refuseFile(d, fmt.Sprintf("%s.then[%d]", f, j), t)
		}
	}
	if err := d.Err(); err != nil {
		return Scenario{}, err
	}
	return sc, nil
}

// refuseFile records a problem when the response at field f has a file body.
func refuseFile(d *strictyaml.Decoder, f string, r Response) {
	if r.Body.File == "" {
		return
	}
	field := f + ".body.file"
	d.Failf(d.Nearest(field), field, "file bodies are refused over the admin API (it must not read the server's files): "+
		"use text, base64 or generate")
}
