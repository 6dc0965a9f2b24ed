package app_test

import (
	"testing"

	"github.com/kabinet/kabinet/internal/emulators/emutest"
)

func TestMain(m *testing.M) { emutest.Main(m) }
