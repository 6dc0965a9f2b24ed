// Package pipeline is the composition the reminder pipeline's functions
// share (reminder-dispatch, reminder-worker, and the local runner and
// benchmark that run them): its configuration — the job queues, the send
// rates and the worker concurrency they are divided over — and its job
// queues' client. It is apart from package core so that no other function
// links the reminders domain, the booking domain it uses or the SQS client.
package pipeline

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/kabinet/kabinet/shared/adapter/queue"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

// Config is the reminder pipeline's configuration: where its job queues
// are and the send rates its workers keep to.
type Config struct {
	// Queues are the job queues' URLs by class (queue.Queues' variables).
	Queues map[reminders.Class]string
	// Rates are the account's send rates (SMS_PER_SECOND,
	// EMAIL_PER_SECOND, PUBLISH_PER_SECOND; reminders.DefaultRates where
	// unset), which the workers share.
	Rates reminders.Rates
	// Workers is how many workers run at once, the classes together
	// (WORKER_CONCURRENCY, DefaultWorkers when unset: the sum of the
	// worker function's event sources' maximum concurrency). Each worker
	// keeps to Rates.Share(Workers).
	Workers int
}

// DefaultWorkers is the worker concurrency the rates are divided over when
// WORKER_CONCURRENCY is unset: 2 urgent and 8 document workers.
const DefaultWorkers = 10

// Read reads Config through getenv. Errors: a rate or the
// concurrency that is not a non-negative number, a class without its
// queue's URL.
func Read(getenv func(string) string) (Config, error) {
	p := Config{Queues: queue.URLsFrom(getenv), Rates: reminders.DefaultRates, Workers: DefaultWorkers}
	for _, q := range queue.Queues {
		if p.Queues[q.Class] == "" {
			return p, errors.New(q.Env + " is not set")
		}
	}
	for env, rate := range map[string]*float64{"SMS_PER_SECOND": &p.Rates.SMS, "EMAIL_PER_SECOND": &p.Rates.Email, "PUBLISH_PER_SECOND": &p.Rates.Publish} {
		if v := getenv(env); v != "" {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 || math.IsNaN(f) || math.IsInf(f, 0) {
				return p, fmt.Errorf("%s=%q: want a rate per second, 0 for none", env, v)
			}
			*rate = f
		}
	}
	if v := getenv("WORKER_CONCURRENCY"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return p, fmt.Errorf("WORKER_CONCURRENCY=%q: want a whole number of at least 1", v)
		}
		p.Workers = n
	}
	return p, nil
}

// Jobs is the job queues of p on SQS, called with cl's AWS configuration.
func Jobs(p Config, cl core.Clients) *queue.Jobs {
	return &queue.Jobs{AWS: cl.AWS, URLs: p.Queues}
}
