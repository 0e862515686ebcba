package netconform

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// actionFile is action.yml as GitHub reads a composite action.
type actionFile struct {
	Name        string                  `yaml:"name"`
	Description string                  `yaml:"description"`
	Author      string                  `yaml:"author"`
	Branding    map[string]string       `yaml:"branding"`
	Inputs      map[string]actionInput  `yaml:"inputs"`
	Outputs     map[string]actionOutput `yaml:"outputs"`
	Runs        struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

type actionInput struct {
	Description string  `yaml:"description"`
	Required    bool    `yaml:"required"`
	Default     *string `yaml:"default"`
}

type actionOutput struct {
	Description string `yaml:"description"`
	Value       string `yaml:"value"`
}

type actionStep struct {
	ID    string            `yaml:"id"`
	Name  string            `yaml:"name"`
	Uses  string            `yaml:"uses"`
	Run   string            `yaml:"run"`
	Shell string            `yaml:"shell"`
	If    string            `yaml:"if"`
	Env   map[string]string `yaml:"env"`
	With  map[string]string `yaml:"with"`
}

// TestActionFile: action.yml is well-formed YAML with what a composite
// action needs: a name and description, documented inputs and outputs, and
// steps that each either use an action at a version or run a shell
// command with its shell; every input it reads is declared, every output
// comes from a step it has, and the script its run steps call exists and
// is executable.
func TestActionFile(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var a actionFile
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	if a.Name == "" || a.Description == "" || a.Runs.Using != "composite" || len(a.Runs.Steps) == 0 {
		t.Fatalf("action.yml: name %q, description %q, runs.using %q, %d steps; want a composite action",
			a.Name, a.Description, a.Runs.Using, len(a.Runs.Steps))
	}
	for name, in := range a.Inputs {
		if in.Description == "" || (!in.Required && in.Default == nil) {
			t.Errorf("input %s: want a description and, when optional, a default", name)
		}
	}
	ids := map[string]bool{}
	var uses []string
	for i, s := range a.Runs.Steps {
		switch {
		case s.Uses != "" && s.Run != "":
			t.Errorf("step %d (%s) both uses and runs", i, s.Name)
		case s.Uses != "":
			uses = append(uses, s.Uses)
			if !regexp.MustCompile(`^[\w.-]+/[\w.-]+@v\d+$`).MatchString(s.Uses) {
				t.Errorf("step %d uses %q: want owner/name@vN", i, s.Uses)
			}
		case s.Run != "":
			if s.Shell != "bash" {
				t.Errorf("step %d (%s) runs with shell %q: a composite run step needs shell (bash)", i, s.Name, s.Shell)
			}
			if !strings.Contains(s.Run, `"$GITHUB_ACTION_PATH/scripts/ci-action.sh"`) {
				t.Errorf("step %d (%s) runs %q: its logic belongs in scripts/ci-action.sh, tested", i, s.Name, s.Run)
			}
		default:
			t.Errorf("step %d (%s) neither uses nor runs", i, s.Name)
		}
		if s.ID != "" {
			ids[s.ID] = true
		}
	}
	for _, want := range []string{"actions/setup-go", "actions/upload-artifact"} {
		if !slices.ContainsFunc(uses, func(u string) bool { return strings.HasPrefix(u, want+"@") }) {
			t.Errorf("no step uses %s", want)
		}
	}
	for _, m := range regexp.MustCompile(`inputs\.([\w-]+)`).FindAllStringSubmatch(string(data), -1) {
		if _, ok := a.Inputs[m[1]]; !ok {
			t.Errorf("action.yml reads inputs.%s, which it does not declare", m[1])
		}
	}
	for name, o := range a.Outputs {
		m := regexp.MustCompile(`^\$\{\{ steps\.([\w-]+)\.outputs\.([\w-]+) \}\}$`).FindStringSubmatch(o.Value)
		if m == nil || !ids[m[1]] || o.Description == "" {
			t.Errorf("output %s = %q: want a description and the output of a step of the action", name, o.Value)
		}
	}
	if fi, err := os.Stat("scripts/ci-action.sh"); err != nil {
		t.Errorf("the action's script: %v", err)
	} else if fi.Mode()&0o111 == 0 {
		t.Errorf("scripts/ci-action.sh has mode %v; want an executable script", fi.Mode())
	}
}
