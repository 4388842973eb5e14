package sqlite

import (
	"testing"

	"github.com/switchboard-gov/switchboard/keystoretest"
)

func TestKeyStore(t *testing.T) {
	keystoretest.Run(t, func(t *testing.T) keystoretest.Store { return openTemp(t) })
}
