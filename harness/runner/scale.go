package runner

import (
	"reflect"
	"time"

	"github.com/netconform/netconform/mockserver"
)

// scaleDur multiplies an API-time duration by the case's time scale.
func scaleDur(d time.Duration, scale float64) time.Duration {
	return time.Duration(float64(d) * scale)
}

// scaleScenario returns a deep copy of sc with every mockserver.Duration in it
// multiplied by scale. It walks the whole value by reflection, so durations
// the mock server adds later are scaled too; the fixture therefore runs at
// scale 1 and cases with different scales can share it.
func scaleScenario(sc mockserver.Scenario, scale float64) mockserver.Scenario {
	out := scaleValue(reflect.ValueOf(sc), scale)
	return out.Interface().(mockserver.Scenario)
}

// scaleValue returns a deep copy of v with durations scaled. Unexported
// struct fields are copied shallowly.
func scaleValue(v reflect.Value, scale float64) reflect.Value {
	if durationType := reflect.TypeFor[mockserver.Duration](); v.Type() == durationType {
		out := reflect.New(durationType).Elem()
		out.SetInt(int64(float64(v.Int()) * scale))
		return out
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type().Elem())
		out.Elem().Set(scaleValue(v.Elem(), scale))
		return out
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(scaleValue(v.Index(i), scale))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			out.SetMapIndex(it.Key(), scaleValue(it.Value(), scale))
		}
		return out
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		out.Set(v)
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				out.Field(i).Set(scaleValue(v.Field(i), scale))
			}
		}
		return out
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type()).Elem()
		out.Set(scaleValue(v.Elem(), scale))
		return out
	}
	return v
}
