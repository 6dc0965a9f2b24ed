// Command documents is the Lambda serving the document registry routes
// (GET/POST /documents, /documents/{id}, archive, history, document types).
package main

import (
	"context"
	"os"

	"github.com/kabinet/kabinet/shared/httpapi"
	"github.com/kabinet/kabinet/shared/lambdahttp"
)

func main() { lambdahttp.Main(context.Background(), os.Getenv, httpapi.FnDocuments) }
