// Command hellosdk is cmd/bench's second cold-start reference: the hello
// world of testdata/hello that, before serving, also loads the AWS
// configuration and builds the DynamoDB and SNS clients exactly as every
// Kabinet function does (awsconf.Load, dynamodb.NewFromConfig,
// sns.NewFromConfig). The difference between it and hello is the SDK's own
// share of a function's init; the rest of a function's init is Kabinet's.
package main

import (
	"context"
	"log"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/kabinet/kabinet/shared/adapter/awsconf"
)

func main() {
	cfg, err := awsconf.Load(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	db, topics := dynamodb.NewFromConfig(cfg), sns.NewFromConfig(cfg)
	lambda.Start(func(ctx context.Context, ev map[string]any) (string, error) {
		// The clients are used, so neither construction can be dropped.
		if db == nil || topics == nil {
			return "", nil
		}
		return "hello", nil
	})
}
