<?php
// Sends one message through Symfony Mailer's SendmailTransport, the way a
// Symfony or Laravel application does: usage
//   php symfony_send.php COMMAND FROM TO SUBJECT ATTACHMENT
// COMMAND is the sendmail command line ("/path/postern -C cfg -bs", or
// "... -t -i"). Prints "sent", or "error CODE: MESSAGE" for the exception.
require '/usr/share/php/Symfony/Component/Mailer/autoload.php';
require '/usr/share/php/Symfony/Component/Mime/autoload.php';

use Symfony\Component\Mailer\Mailer;
use Symfony\Component\Mailer\Transport\SendmailTransport;
use Symfony\Component\Mime\Email;

[, $command, $from, $to, $subject, $attachment] = $argv;
$mailer = new Mailer(new SendmailTransport($command));
$email = (new Email())
    ->from($from)
    ->to($to)
    ->subject($subject)
    ->text("Sent by Symfony Mailer through postern.\n.\nA line with a lone dot above.\n")
    ->attachFromPath($attachment, 'data.bin', 'application/octet-stream');
try {
    $mailer->send($email);
    echo "sent\n";
} catch (\Throwable $e) {
    echo "error ", $e->getCode(), ": ", $e->getMessage(), "\n";
}
