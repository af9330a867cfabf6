from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"

    def ready(self) -> None:
        from courses.services import refuse_closed_submit
        from grader.services import submit_requested

        # the grader asks before storing a Submit; it imports nothing of courses
        submit_requested.connect(refuse_closed_submit, dispatch_uid="courses.refuse_closed_submit")
