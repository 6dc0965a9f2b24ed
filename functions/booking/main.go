// Command booking is the Lambda of the electronic registry: institutions,
// specialists, free slots, bookings with their QR, PDF and calendar file,
// the visit journal, and the staff routes (schedules, day lists, visits).
package main

import (
	"context"
	"os"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/adapter/httpapi/lambdahttp"
)

func main() { lambdahttp.Main(context.Background(), os.Getenv, httpapi.FnBooking) }
